-- Question: Which songs have stayed longest on their playlists?
-- Days on a playlist = distinct snapshot dates on which the song was in it (a song listed twice in
-- one snapshot still counts one day), with the first and last day it was seen. Days without an
-- extraction are not counted. Playlist and song names come from their latest snapshot.
WITH entry AS (
    SELECT DISTINCT playlist_id, song_id, snapshot_date
    FROM playlist_entries
),
stay AS (
    SELECT playlist_id, song_id,
           COUNT(*) AS days_on_playlist,
           MIN(snapshot_date) AS first_seen,
           MAX(snapshot_date) AS last_seen
    FROM entry
    GROUP BY playlist_id, song_id
),
playlist AS (
    SELECT playlist_id, playlist_name
    FROM (
        SELECT playlist_id, playlist_name,
               ROW_NUMBER() OVER (PARTITION BY playlist_id ORDER BY snapshot_date DESC, position) AS recency
        FROM playlist_entries
    ) AS versions
    WHERE recency = 1
),
song AS (
    SELECT song_id, song_name
    FROM (
        SELECT song_id, song_name,
               ROW_NUMBER() OVER (PARTITION BY song_id ORDER BY snapshot_date DESC) AS recency
        FROM songs
    ) AS versions
    WHERE recency = 1
)
SELECT p.playlist_name,
       COALESCE(s.song_name, st.song_id) AS song_name,
       st.days_on_playlist,
       st.first_seen,
       st.last_seen
FROM stay AS st
JOIN playlist AS p ON p.playlist_id = st.playlist_id
LEFT JOIN song AS s ON s.song_id = st.song_id
ORDER BY st.days_on_playlist DESC, p.playlist_name, song_name
LIMIT 25
