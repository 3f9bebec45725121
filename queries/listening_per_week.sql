-- Question: How much did I listen each week?
-- Weeks start on Monday (UTC). A play is one (played_at, song_id) pair, counted once however many
-- snapshot dates stored it; hours add up the songs' full lengths (Spotify's recently played list says
-- when a track was played, not for how long, so a skipped track counts whole), rounded half up to the
-- hundredth. They are rounded as a count of hundredths (36,000 ms each): ROUND(CAST(ms AS DOUBLE) / 3600000, 2) would
-- round some exact halves down, 0.145 h to 0.14, since the DOUBLE nearest 0.145 lies below it.
WITH play AS (
    SELECT DISTINCT played_at, song_id
    FROM plays
),
song AS (
    SELECT song_id, duration_ms
    FROM songs_current
),
weekly AS (
    SELECT CAST(CAST(date_trunc('week', CAST(substr(p.played_at, 1, 10) AS DATE)) AS DATE) AS VARCHAR) AS week_start,
           COALESCE(s.duration_ms, 0) AS duration_ms
    FROM play AS p
    LEFT JOIN song AS s ON s.song_id = p.song_id
)
SELECT week_start,
       COUNT(*) AS play_count,
       ROUND(CAST(SUM(duration_ms) AS DOUBLE) / 36000) / 100 AS hours
FROM weekly
GROUP BY week_start
ORDER BY week_start
