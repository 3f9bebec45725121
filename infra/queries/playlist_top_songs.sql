-- Question: What are the current top songs of each playlist?
-- The first 10 songs by position in each playlist's latest snapshot, with the song's primary artist.
-- Only the latest snapshot of each playlist counts, so a song appears once per position, not once
-- per day it has been on the playlist.
WITH entry AS (
    SELECT playlist_id, playlist_name, position, song_id, snapshot_date,
           MAX(snapshot_date) OVER (PARTITION BY playlist_id) AS latest_snapshot_date
    FROM playlist_entries
),
latest_entry AS (
    SELECT playlist_id, playlist_name, position, song_id, snapshot_date,
           ROW_NUMBER() OVER (PARTITION BY playlist_id ORDER BY position) AS playlist_rank
    FROM entry
    WHERE snapshot_date = latest_snapshot_date
),
song AS (
    SELECT song_id, song_name, primary_artist_id
    FROM (
        SELECT song_id, song_name, primary_artist_id,
               ROW_NUMBER() OVER (PARTITION BY song_id ORDER BY snapshot_date DESC) AS recency
        FROM songs
    ) AS versions
    WHERE recency = 1
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
SELECT e.playlist_name,
       e.playlist_rank,
       COALESCE(s.song_name, e.song_id) AS song_name,
       a.artist_name,
       e.snapshot_date
FROM latest_entry AS e
LEFT JOIN song AS s ON s.song_id = e.song_id
LEFT JOIN artist AS a ON a.artist_id = s.primary_artist_id
WHERE e.playlist_rank <= 10
ORDER BY e.playlist_name, e.playlist_rank
