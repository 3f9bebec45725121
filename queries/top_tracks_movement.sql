-- Question: How did my top tracks move between extractions?
-- For each time range, each track's rank at the latest snapshot that has a ranking and at the
-- latest snapshot before it whose ranking differs: rank_change > 0 means it climbed, "new" means it
-- was not ranked before. A ranking landed again unchanged (an extraction keeps a raw copy of a list
-- before the raw lifecycle expires the last) is the same ranking, not a move. Tracks that dropped
-- out of the list appear with a NULL current rank. A time range with a single ranking has nothing to
-- compare with and is left out, rather than listing every track as new. A list Spotify served empty
-- (one row of rank 0 and no item) ranks no track: every track before it drops out. Each track is
-- named with the artists the song credits now (the first three named, then how many more; empty where
-- none is named).
WITH dated AS (
    SELECT DISTINCT time_range, snapshot_date FROM top_items WHERE item_type = 'track'
),
latest AS (
    SELECT time_range, MAX(snapshot_date) AS snapshot_date
    FROM dated
    GROUP BY time_range
),
latest_item AS (
    SELECT t.time_range, t.item_id, t.rank
    FROM top_items AS t
    JOIN latest AS l ON l.time_range = t.time_range AND l.snapshot_date = t.snapshot_date
    WHERE t.item_type = 'track'
),
latest_size AS (
    SELECT time_range, COUNT(*) AS item_rows
    FROM latest_item
    GROUP BY time_range
),
earlier AS (
    -- Each earlier ranking's rows, and how many of them the latest ranking holds alike (rank and item).
    SELECT t.time_range, t.snapshot_date, COUNT(*) AS item_rows, COUNT(li.rank) AS alike
    FROM top_items AS t
    JOIN latest AS l ON l.time_range = t.time_range AND t.snapshot_date < l.snapshot_date
    LEFT JOIN latest_item AS li
      ON li.time_range = t.time_range AND li.rank = t.rank AND COALESCE(li.item_id, '') = COALESCE(t.item_id, '')
    WHERE t.item_type = 'track'
    GROUP BY t.time_range, t.snapshot_date
),
previous AS (
    SELECT e.time_range, MAX(e.snapshot_date) AS snapshot_date
    FROM earlier AS e
    JOIN latest_size AS s ON s.time_range = e.time_range
    WHERE e.alike < e.item_rows OR e.item_rows <> s.item_rows
    GROUP BY e.time_range
),
current_rank AS (
    SELECT li.time_range, li.item_id, li.rank
    FROM latest_item AS li
    JOIN previous AS p ON p.time_range = li.time_range
    WHERE li.rank > 0
),
previous_rank AS (
    SELECT t.time_range, t.item_id, t.rank
    FROM top_items AS t
    JOIN previous AS p ON p.time_range = t.time_range AND p.snapshot_date = t.snapshot_date
    WHERE t.item_type = 'track' AND t.rank > 0
),
song AS (
    SELECT song_id, song_name
    FROM songs_current
),
credit AS (
    -- A song's credits as its latest day saw them, in Spotify's order, those whose artist has a name.
    -- That day is the latest of the song's credits (song_artists_current also keeps a credit taken off
    -- since, under an older day), not its songs_current row's: the two tables are files of their own,
    -- rewritten one after the other.
    SELECT sa.song_id, a.artist_name,
           ROW_NUMBER() OVER (PARTITION BY sa.song_id ORDER BY sa.artist_position, sa.artist_id) AS credit_rank
    FROM song_artists_current AS sa
    JOIN (
        SELECT song_id, MAX(snapshot_date) AS snapshot_date
        FROM song_artists_current
        GROUP BY song_id
    ) AS latest ON latest.song_id = sa.song_id AND latest.snapshot_date = sa.snapshot_date
    JOIN artists_current AS a ON a.artist_id = sa.artist_id
    WHERE a.artist_name <> ''
),
credits AS (
    -- The first three names, then how many more: 'Bizarrap, Shakira', 'A, B, C and 2 more'.
    SELECT song_id,
           MAX(CASE WHEN credit_rank = 1 THEN artist_name END)
           || COALESCE(', ' || MAX(CASE WHEN credit_rank = 2 THEN artist_name END), '')
           || COALESCE(', ' || MAX(CASE WHEN credit_rank = 3 THEN artist_name END), '')
           || CASE WHEN COUNT(*) > 3 THEN ' and ' || CAST(COUNT(*) - 3 AS VARCHAR) || ' more' ELSE '' END AS artist_names
    FROM credit
    GROUP BY song_id
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
       COALESCE(NULLIF(s.song_name, ''), m.song_id) AS song_name,
       COALESCE(cr.artist_names, '') AS artist_names
FROM moves AS m
LEFT JOIN song AS s ON s.song_id = m.song_id
LEFT JOIN credits AS cr ON cr.song_id = m.song_id
ORDER BY m.time_range, m.current_rank NULLS LAST, m.previous_rank
