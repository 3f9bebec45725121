-- Question: Which tracks did I play most each year, in the plays the extraction recorded?
-- The ten tracks with the most plays per year (UTC), a play counted once however many snapshot dates
-- stored it, with the song's primary artist and its first play of that year. Ties are ordered by name.
WITH play AS (
    SELECT DISTINCT played_at, song_id
    FROM plays
),
song AS (
    SELECT song_id, song_name, primary_artist_id
    FROM songs_current
),
artist AS (
    SELECT artist_id, artist_name
    FROM artists_current
),
per_year AS (
    SELECT substr(played_at, 1, 4) AS play_year, song_id, COUNT(*) AS play_count, MIN(played_at) AS first_played_at
    FROM play
    GROUP BY substr(played_at, 1, 4), song_id
),
named AS (
    SELECT y.play_year, y.song_id, COALESCE(NULLIF(s.song_name, ''), y.song_id) AS song_name,
           COALESCE(a.artist_name, '') AS artist_name, y.play_count, y.first_played_at
    FROM per_year AS y
    LEFT JOIN song AS s ON s.song_id = y.song_id
    LEFT JOIN artist AS a ON a.artist_id = s.primary_artist_id
),
ranked AS (
    SELECT play_year, song_name, artist_name, play_count, first_played_at,
           ROW_NUMBER() OVER (PARTITION BY play_year ORDER BY play_count DESC, song_name, song_id) AS year_rank
    FROM named
)
SELECT play_year, year_rank, song_name, artist_name, play_count, substr(first_played_at, 1, 10) AS first_played
FROM ranked
WHERE year_rank <= 10
ORDER BY play_year DESC, year_rank
