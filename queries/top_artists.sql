-- Question: Who were my most played artists each year in the plays the extraction recorded, and when did it first see me play them?
-- The ten artists with the most plays per year (UTC), a play counted once however many snapshot dates
-- stored it and once for each artist of a multi-artist song; first_heard is the artist's earliest play
-- in the lake, any year. Ties share a rank and are ordered by name, then id; a year lists ten artists
-- at most, so of those tied at the tenth place the first in that order.
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
    SELECT artist_id, artist_name
    FROM artists_current
),
artist_play AS (
    SELECT sa.artist_id, COALESCE(NULLIF(a.artist_name, ''), sa.artist_id) AS artist_name, p.played_at
    FROM play AS p
    JOIN song_artist AS sa ON sa.song_id = p.song_id
    LEFT JOIN artist AS a ON a.artist_id = sa.artist_id
),
first_heard AS (
    SELECT artist_id, MIN(played_at) AS first_played_at
    FROM artist_play
    GROUP BY artist_id
),
per_year AS (
    SELECT substr(played_at, 1, 4) AS play_year, artist_id, artist_name, COUNT(*) AS play_count
    FROM artist_play
    GROUP BY substr(played_at, 1, 4), artist_id, artist_name
),
ranked AS (
    SELECT play_year, artist_id, artist_name, play_count,
           RANK() OVER (PARTITION BY play_year ORDER BY play_count DESC) AS year_rank,
           ROW_NUMBER() OVER (PARTITION BY play_year ORDER BY play_count DESC, artist_name, artist_id) AS nth
    FROM per_year
)
SELECT r.play_year, r.year_rank, r.artist_name, r.play_count, substr(f.first_played_at, 1, 10) AS first_heard
FROM ranked AS r
JOIN first_heard AS f ON f.artist_id = r.artist_id
WHERE r.nth <= 10
ORDER BY r.play_year DESC, r.nth
