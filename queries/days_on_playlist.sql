-- Question: Which songs have stayed longest on their playlists?
-- Days on a playlist = distinct snapshot dates whose playlists row names a version containing the
-- song, plus, for a song there on the playlist's first extraction day, the days before it since its
-- earliest added_at in the playlist's versions (empty ones, and those before 2008, such as Spotify's
-- 1970-01-01, say nothing). on_playlist_since is the day the count starts: that added day, else
-- first_seen, the first extraction day holding the song. An unchanged playlist lands no entries, yet
-- its version still counts the day; a song listed twice, or a version landed on several days, counts
-- each day once. Days without an extraction after the first are not counted. Ties: playlist name (an
-- unnamed playlist last), song name, ids. Names come from the latest rows (NULL for a playlist with
-- none, in either format, or one the current-state tables do not hold yet). Day numbers (days since
-- 1999-12-31, valid for 2000-2099) make the count the same in every engine.
WITH version_song AS (
    SELECT playlist_id, playlist_snapshot_id, song_id,
           MIN(CASE WHEN added_at >= '2008' THEN substr(added_at, 1, 10) END) AS added_on
    FROM playlist_entries
    GROUP BY playlist_id, playlist_snapshot_id, song_id
),
song_day AS (
    SELECT p.playlist_id, vs.song_id, p.snapshot_date, vs.added_on
    FROM playlists AS p
    JOIN version_song AS vs
      ON vs.playlist_id = p.playlist_id AND vs.playlist_snapshot_id = p.playlist_snapshot_id
),
stay AS (
    SELECT playlist_id, song_id,
           COUNT(DISTINCT snapshot_date) AS days_extracted,
           MIN(snapshot_date) AS first_seen,
           MAX(snapshot_date) AS last_seen,
           MIN(added_on) AS added_on
    FROM song_day
    GROUP BY playlist_id, song_id
),
playlist_start AS (
    SELECT playlist_id, MIN(snapshot_date) AS first_extracted
    FROM playlists
    GROUP BY playlist_id
),
stay_start AS (
    SELECT st.playlist_id, st.song_id, st.days_extracted, st.first_seen, st.last_seen,
           CASE WHEN st.first_seen = ps.first_extracted AND st.added_on < st.first_seen THEN st.added_on
                ELSE st.first_seen END AS on_playlist_since
    FROM stay AS st
    JOIN playlist_start AS ps ON ps.playlist_id = st.playlist_id
),
counted AS (
    SELECT playlist_id, song_id, first_seen, last_seen, on_playlist_since,
           days_extracted
             + (365 * (CAST(substr(first_seen, 1, 4) AS INTEGER) - 2000)
                + CAST(FLOOR(CAST(CAST(substr(first_seen, 1, 4) AS INTEGER) - 1997 AS DOUBLE) / 4) AS INTEGER)
                + EXTRACT(DOY FROM CAST(substr(first_seen, 1, 10) AS DATE)))
             - (365 * (CAST(substr(on_playlist_since, 1, 4) AS INTEGER) - 2000)
                + CAST(FLOOR(CAST(CAST(substr(on_playlist_since, 1, 4) AS INTEGER) - 1997 AS DOUBLE) / 4) AS INTEGER)
                + EXTRACT(DOY FROM CAST(substr(on_playlist_since, 1, 10) AS DATE))) AS days_on_playlist
    FROM stay_start
),
playlist AS (
    SELECT playlist_id, NULLIF(playlist_name, '') AS playlist_name
    FROM playlists_current
),
song AS (
    -- Not song_name: the ORDER BY below names the output column, which no column of the FROM may share on any
    -- engine (Snowflake may resolve such a name to the column).
    SELECT song_id, song_name AS name
    FROM songs_current
)
SELECT p.playlist_name,
       COALESCE(NULLIF(s.name, ''), c.song_id) AS song_name,
       c.days_on_playlist,
       c.on_playlist_since,
       c.first_seen,
       c.last_seen
FROM counted AS c
LEFT JOIN playlist AS p ON p.playlist_id = c.playlist_id
LEFT JOIN song AS s ON s.song_id = c.song_id
ORDER BY c.days_on_playlist DESC, p.playlist_name NULLS LAST, song_name, c.playlist_id, c.song_id
LIMIT 25
