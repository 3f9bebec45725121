-- Question: In which years were the songs in the lake released?
-- Distinct songs (and their albums) per album release year, over every song the lake has seen in
-- any snapshot and from any source (playlist versions, plays, top and saved tracks), not only the
-- current playlists. Each song counts once, with its latest songs row; each album once, with its
-- latest albums row, however many days repeat them. Year- and month-precision release dates count
-- in their year; songs whose album is unknown fall under a null year, listed last.
WITH song AS (
    SELECT song_id, album_id
    FROM songs_current
),
album AS (
    SELECT album_id, release_year
    FROM albums_current
)
SELECT al.release_year,
       COUNT(DISTINCT s.song_id) AS song_count,
       COUNT(DISTINCT al.album_id) AS album_count
FROM song AS s
LEFT JOIN album AS al ON al.album_id = s.album_id
GROUP BY al.release_year
ORDER BY al.release_year NULLS LAST
