-- Question: Whom did I play most each year, in my whole listening history?
-- The ten artists with the most plays per year (UTC): tracks streamed for at least min_play_ms
-- (30 s; the same setting in every history query), each stream once; hours are those plays' time, so
-- shorter streams count in history_hours_per_year and not here. Ties share a rank, and a year
-- lists ten artists at most: of those tied at the tenth place, the first by name.
-- A stream counts for the one artist its row names: the export names one artist a stream, and the API's plays
-- name their track's first, so that every year is counted alike; top_artists credits every artist of a song.
WITH settings AS (
    SELECT 30000 AS min_play_ms
),
per_year AS (
    SELECT substr(h.ended_at, 1, 4) AS year,
           h.artist_name,
           COUNT(*) AS plays,
           round(CAST(SUM(h.ms_played) AS DOUBLE) / 3600000, 1) AS hours
    FROM listening_history AS h
    CROSS JOIN settings AS s
    WHERE h.content_type = 'track' AND NULLIF(h.artist_name, '') IS NOT NULL AND h.ms_played >= s.min_play_ms
    GROUP BY substr(h.ended_at, 1, 4), h.artist_name
),
ranked AS (
    SELECT year, artist_name, plays, hours,
           rank() OVER (PARTITION BY year ORDER BY plays DESC) AS year_rank,
           row_number() OVER (PARTITION BY year ORDER BY plays DESC, artist_name) AS nth
    FROM per_year
)
SELECT year, year_rank, artist_name, plays, hours
FROM ranked
WHERE nth <= 10
ORDER BY year DESC, year_rank, artist_name
