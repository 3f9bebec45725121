-- Question: What are my top tracks and artists in each time range now?
-- Spotify's own rankings (short_term: about four weeks, medium_term: six months, long_term: about a
-- year) at the latest snapshot that holds each list; a track is named with the artists it credits now
-- (the first three named, then how many more). A list Spotify served empty (no listening in that time
-- range: its snapshot holds one row of rank 0 and no item) has no rows: there is no such ranking now.
WITH latest AS (
    SELECT item_type, time_range, MAX(snapshot_date) AS snapshot_date
    FROM top_items
    GROUP BY item_type, time_range
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
    SELECT c.song_id, a.artist_name,
           ROW_NUMBER() OVER (PARTITION BY c.song_id ORDER BY c.artist_position, c.artist_id) AS credit_rank
    FROM song_artists_current AS c
    JOIN (
        SELECT song_id, MAX(snapshot_date) AS snapshot_date
        FROM song_artists_current
        GROUP BY song_id
    ) AS latest ON latest.song_id = c.song_id AND latest.snapshot_date = c.snapshot_date
    JOIN artists_current AS a ON a.artist_id = c.artist_id
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
artist AS (
    SELECT artist_id, artist_name
    FROM artists_current
)
SELECT t.item_type, t.time_range, t.rank AS item_rank,
       CASE WHEN t.item_type = 'track' THEN COALESCE(NULLIF(s.song_name, ''), t.item_id) ELSE COALESCE(NULLIF(a.artist_name, ''), t.item_id) END AS item_name,
       CASE WHEN t.item_type = 'track' THEN COALESCE(c.artist_names, '') ELSE '' END AS artist_names,
       t.snapshot_date
FROM (SELECT DISTINCT item_type, time_range, rank, item_id, snapshot_date FROM top_items WHERE rank > 0) AS t
JOIN latest AS l ON l.item_type = t.item_type AND l.time_range = t.time_range AND l.snapshot_date = t.snapshot_date
LEFT JOIN song AS s ON s.song_id = t.item_id
LEFT JOIN artist AS a ON a.artist_id = t.item_id
LEFT JOIN credits AS c ON c.song_id = t.item_id
ORDER BY t.item_type, t.time_range, t.rank
