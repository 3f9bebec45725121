-- Question: How often do I skip a track, week by week?
-- An estimate: Spotify's recently played list does not say whether a track was skipped, so a play
-- counts as skipped when the next play came less than half the song's length after it. The last play
-- of the lake has no next play and is left out. Weeks start on Monday (UTC). Times become seconds
-- through a day number (days since 1999-12-31, valid for 2000-2099), the same in every engine.
WITH play AS (
    SELECT DISTINCT played_at, song_id
    FROM plays
),
song AS (
    SELECT song_id, duration_ms
    FROM songs_current
),
timed AS (
    SELECT p.played_at, s.duration_ms,
           (CAST(365 * (CAST(substr(p.played_at, 1, 4) AS INTEGER) - 2000) AS BIGINT)
             + CAST(FLOOR((CAST(substr(p.played_at, 1, 4) AS INTEGER) - 1997) / 4.0) AS BIGINT)
             + EXTRACT(DOY FROM CAST(substr(p.played_at, 1, 10) AS DATE))) * 86400
           + CAST(substr(p.played_at, 12, 2) AS BIGINT) * 3600
           + CAST(substr(p.played_at, 15, 2) AS BIGINT) * 60
           + CAST(substr(p.played_at, 18, 2) AS BIGINT) AS played_second
    FROM play AS p
    LEFT JOIN song AS s ON s.song_id = p.song_id
),
gaps AS (
    SELECT played_at, duration_ms,
           LEAD(played_second) OVER (ORDER BY played_at) - played_second AS seconds_to_next
    FROM timed
)
SELECT CAST(CAST(date_trunc('week', CAST(substr(played_at, 1, 10) AS DATE)) AS DATE) AS VARCHAR) AS week_start,
       COUNT(*) AS play_count,
       SUM(CASE WHEN seconds_to_next * 2000 < duration_ms THEN 1 ELSE 0 END) AS skipped_count,
       ROUND(100.0 * SUM(CASE WHEN seconds_to_next * 2000 < duration_ms THEN 1 ELSE 0 END) / COUNT(*), 1) AS skip_percent
FROM gaps
WHERE seconds_to_next IS NOT NULL
GROUP BY CAST(CAST(date_trunc('week', CAST(substr(played_at, 1, 10) AS DATE)) AS DATE) AS VARCHAR)
ORDER BY week_start
