-- Question: How many plays did each artist get per week?
-- Weeks start on Monday (UTC). A play is one (played_at, song_id) pair, counted once even when
-- overlapping extractions stored it under several snapshot dates. A multi-artist song counts as a
-- play for each of its artists.
WITH play AS (
    SELECT DISTINCT played_at, song_id
    FROM plays
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
),
artist_play AS (
    SELECT CAST(CAST(date_trunc('week', CAST(substr(p.played_at, 1, 10) AS DATE)) AS DATE) AS VARCHAR) AS week_start,
           sa.artist_id,
           p.played_at,
           p.song_id
    FROM play AS p
    JOIN song_artist AS sa ON sa.song_id = p.song_id
)
SELECT ap.week_start,
       COALESCE(NULLIF(a.name, ''), ap.artist_id) AS artist_name,
       COUNT(*) AS play_count
FROM artist_play AS ap
LEFT JOIN artist AS a ON a.artist_id = ap.artist_id
GROUP BY ap.week_start, ap.artist_id, a.name
ORDER BY ap.week_start DESC, play_count DESC, artist_name
