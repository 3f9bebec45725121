-- Question: How did my top tracks move between extractions?
-- For each time range, each track's rank at the latest snapshot that has a ranking and at the
-- snapshot before it: rank_change > 0 means it climbed, "new" means it was not ranked before.
-- Tracks that dropped out of the list appear with a NULL current rank. A time range ranked only
-- once has nothing to compare with and is left out, rather than listing every track as new. A list
-- Spotify served empty (one row of rank 0 and no item) ranks no track: every track before it drops out.
WITH snapshot AS (
    SELECT time_range, snapshot_date,
           DENSE_RANK() OVER (PARTITION BY time_range ORDER BY snapshot_date DESC) AS recency
    FROM (SELECT DISTINCT time_range, snapshot_date FROM top_items WHERE item_type = 'track') AS dated
),
current_rank AS (
    SELECT t.time_range, t.item_id, t.rank
    FROM top_items AS t
    JOIN snapshot AS s ON s.time_range = t.time_range AND s.snapshot_date = t.snapshot_date AND s.recency = 1
    JOIN snapshot AS earlier ON earlier.time_range = t.time_range AND earlier.recency = 2
    WHERE t.item_type = 'track' AND t.rank > 0
),
previous_rank AS (
    SELECT t.time_range, t.item_id, t.rank
    FROM top_items AS t
    JOIN snapshot AS s ON s.time_range = t.time_range AND s.snapshot_date = t.snapshot_date AND s.recency = 2
    WHERE t.item_type = 'track' AND t.rank > 0
),
song AS (
    SELECT song_id, song_name
    FROM songs_current
),
moves AS (
    SELECT COALESCE(c.time_range, p.time_range) AS time_range,
           COALESCE(c.item_id, p.item_id) AS song_id,
           c.rank AS current_rank,
           p.rank AS previous_rank
    FROM current_rank AS c
    FULL OUTER JOIN previous_rank AS p ON p.time_range = c.time_range AND p.item_id = c.item_id
)
SELECT m.time_range,
       m.current_rank,
       m.previous_rank,
       CASE
           WHEN m.previous_rank IS NULL THEN 'new'
           WHEN m.current_rank IS NULL THEN 'dropped'
           ELSE CAST(m.previous_rank - m.current_rank AS VARCHAR)
       END AS rank_change,
       COALESCE(NULLIF(s.song_name, ''), m.song_id) AS song_name
FROM moves AS m
LEFT JOIN song AS s ON s.song_id = m.song_id
ORDER BY m.time_range, m.current_rank NULLS LAST, m.previous_rank
