-- Question: Which songs have stayed longest on their playlists?
-- Days on a playlist = distinct snapshot dates D whose playlists row names a version containing
-- the song, with the first and last such day. A playlist extracted unchanged lands no entries that
-- day, yet its version (same snapshot id) still counts the day; a song listed twice, or a version
-- landed on several days, still counts each day once. Days without an extraction are not counted.
-- Playlist names come from each playlist's latest row, song names from their latest snapshot.
WITH version_song AS (
    SELECT DISTINCT playlist_id, playlist_snapshot_id, song_id
    FROM playlist_entries
),
song_day AS (
    SELECT DISTINCT p.playlist_id, vs.song_id, p.snapshot_date
    FROM playlists AS p
    JOIN version_song AS vs
      ON vs.playlist_id = p.playlist_id AND vs.playlist_snapshot_id = p.playlist_snapshot_id
),
stay AS (
    SELECT playlist_id, song_id,
           COUNT(*) AS days_on_playlist,
           MIN(snapshot_date) AS first_seen,
           MAX(snapshot_date) AS last_seen
    FROM song_day
    GROUP BY playlist_id, song_id
),
playlist AS (
    SELECT playlist_id, playlist_name
    FROM playlists_current
),
song AS (
    SELECT song_id, song_name
    FROM songs_current
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
