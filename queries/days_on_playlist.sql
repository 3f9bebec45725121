-- Question: Which songs have stayed longest on their playlists?
-- Days on a playlist = distinct snapshot dates whose playlists row names a version containing the
-- song, plus, for a song added before the playlist's first extraction day (a re-added song gets a new
-- added_at), the days from its earliest added_at in the playlist's versions (empty, or before 2008 as
-- Spotify's 1970-01-01: none) to its first day seen. on_playlist_since is the day the count starts:
-- that added day, else first_seen. An unchanged playlist lands no entries, yet its version still
-- counts the day; a song listed twice, or a version landed on several days, counts each day once.
-- Days without an extraction after the first are not counted. Ties: playlist name (unnamed last),
-- song name, ids. Names come from the latest rows, with the artists the song credits now (the first
-- three, then how many more). Day numbers (days since 1999-12-31, valid for 2000-2099) make the count
-- the same in every engine.
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
           CASE WHEN st.added_on < ps.first_extracted THEN st.added_on
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
)
SELECT p.playlist_name,
       COALESCE(NULLIF(s.name, ''), c.song_id) AS song_name,
       COALESCE(cr.artist_names, '') AS artist_names,
       c.days_on_playlist,
       c.on_playlist_since,
       c.first_seen,
       c.last_seen
FROM counted AS c
LEFT JOIN playlist AS p ON p.playlist_id = c.playlist_id
LEFT JOIN song AS s ON s.song_id = c.song_id
LEFT JOIN credits AS cr ON cr.song_id = c.song_id
ORDER BY c.days_on_playlist DESC, p.playlist_name NULLS LAST, song_name, c.playlist_id, c.song_id
LIMIT 25
