-- Question: Which artists have the most songs across the playlists?
-- Counts distinct songs per artist over the current version of every playlist the lake's latest
-- extraction day holds (the version its playlists row names that day, items joined from
-- playlist_entries by snapshot id), crediting every artist of a multi-artist song. A playlist missing
-- from that day (deleted, unfollowed, taken out of the extracted sources) no longer counts, though
-- playlists_current keeps its last row. A song on two playlists counts once for its artists, and the
-- number of playlists it reaches is shown beside it.
WITH latest_day AS (
    -- From the current table itself, not from playlists: between a transform's new day and its rebuild of the
    -- current tables (Athena reads while the function writes) the two disagree, and no playlist would match.
    SELECT MAX(snapshot_date) AS snapshot_date
    FROM playlists_current
),
current_version AS (
    SELECT c.playlist_id, c.playlist_snapshot_id
    FROM playlists_current AS c
    JOIN latest_day AS d ON d.snapshot_date = c.snapshot_date
),
current_song AS (
    SELECT DISTINCT c.playlist_id, e.song_id
    FROM current_version AS c
    JOIN playlist_entries AS e
      ON e.playlist_id = c.playlist_id AND e.playlist_snapshot_id = c.playlist_snapshot_id
),
song_artist AS (
    -- A song's credits as its latest day saw them: song_artists_current also keeps a credit Spotify has
    -- since taken off the song, under the last day that still showed it, older than the song's row.
    -- That day is the latest of the song's credits, not its songs_current row's: the two tables are files of
    -- their own, rewritten one after the other, and a song whose row is a day ahead would lose its credits.
    SELECT sa.song_id, sa.artist_id
    FROM song_artists_current AS sa
    JOIN (
        SELECT song_id, MAX(snapshot_date) AS snapshot_date
        FROM song_artists_current
        GROUP BY song_id
    ) AS latest ON latest.song_id = sa.song_id AND latest.snapshot_date = sa.snapshot_date
),
artist AS (
    -- Not artist_name: the ORDER BY below names the output column, which no column of the FROM may share on any
    -- engine (Snowflake may resolve such a name to the column).
    SELECT artist_id, artist_name AS name
    FROM artists_current
)
SELECT COALESCE(NULLIF(a.name, ''), sa.artist_id) AS artist_name,
       COUNT(DISTINCT c.song_id) AS song_count,
       COUNT(DISTINCT c.playlist_id) AS playlist_count
FROM current_song AS c
JOIN song_artist AS sa ON sa.song_id = c.song_id
LEFT JOIN artist AS a ON a.artist_id = sa.artist_id
GROUP BY sa.artist_id, a.name
ORDER BY song_count DESC, playlist_count DESC, artist_name
LIMIT 20
