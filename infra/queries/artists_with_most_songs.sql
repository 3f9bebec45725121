-- Question: Which artists have the most songs across the playlists?
-- Counts distinct songs per artist over the latest snapshot of every playlist, crediting every
-- artist of a multi-artist song. A song on two playlists counts once for its artists, and the
-- number of playlists it reaches is shown beside it.
WITH entry AS (
    SELECT playlist_id, song_id, snapshot_date,
           MAX(snapshot_date) OVER (PARTITION BY playlist_id) AS latest_snapshot_date
    FROM playlist_entries
),
current_song AS (
    SELECT DISTINCT playlist_id, song_id
    FROM entry
    WHERE snapshot_date = latest_snapshot_date
),
song_artist AS (
    SELECT DISTINCT song_id, artist_id
    FROM song_artists
),
artist AS (
    SELECT artist_id, artist_name
    FROM (
        SELECT artist_id, artist_name,
               ROW_NUMBER() OVER (PARTITION BY artist_id ORDER BY snapshot_date DESC) AS recency
        FROM artists
    ) AS versions
    WHERE recency = 1
)
SELECT COALESCE(a.artist_name, sa.artist_id) AS artist_name,
       COUNT(DISTINCT c.song_id) AS song_count,
       COUNT(DISTINCT c.playlist_id) AS playlist_count
FROM current_song AS c
JOIN song_artist AS sa ON sa.song_id = c.song_id
LEFT JOIN artist AS a ON a.artist_id = sa.artist_id
GROUP BY sa.artist_id, a.artist_name
ORDER BY song_count DESC, playlist_count DESC, artist_name
LIMIT 20
