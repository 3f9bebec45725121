-- Question: What are my top tracks and artists in each time range now?
-- Spotify's own rankings (short_term: about four weeks, medium_term: six months, long_term: about a
-- year) at the latest snapshot that holds each list; a track is named with its primary artist.
WITH latest AS (
    SELECT item_type, time_range, MAX(snapshot_date) AS snapshot_date
    FROM top_items
    GROUP BY item_type, time_range
),
song AS (
    SELECT song_id, song_name, primary_artist_id
    FROM songs_current
),
artist AS (
    SELECT artist_id, artist_name
    FROM artists_current
)
SELECT t.item_type, t.time_range, t.rank AS item_rank,
       CASE WHEN t.item_type = 'track' THEN COALESCE(NULLIF(s.song_name, ''), t.item_id) ELSE COALESCE(NULLIF(a.artist_name, ''), t.item_id) END AS item_name,
       CASE WHEN t.item_type = 'track' THEN COALESCE(sa.artist_name, '') ELSE '' END AS artist_name,
       t.snapshot_date
FROM (SELECT DISTINCT item_type, time_range, rank, item_id, snapshot_date FROM top_items) AS t
JOIN latest AS l ON l.item_type = t.item_type AND l.time_range = t.time_range AND l.snapshot_date = t.snapshot_date
LEFT JOIN song AS s ON s.song_id = t.item_id
LEFT JOIN artist AS a ON a.artist_id = t.item_id
LEFT JOIN artist AS sa ON sa.artist_id = s.primary_artist_id
ORDER BY t.item_type, t.time_range, t.rank
