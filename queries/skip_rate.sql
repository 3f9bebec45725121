-- Question: How often do I skip a track, week by week?
-- An estimate: Spotify's recently played list does not say whether a track was skipped. Its played_at
-- is when a play ended, so a play was heard for at most the time since the previous play ended; it
-- counts as skipped when that time is less than half its own song's length. A gap longer than that
-- (a pause, plays the lake missed) is no skip. The lake's first play has no previous one and is left
-- out; plays ending in the same second are each measured from the latest earlier end. Spotify lists
-- no play shorter than 30 s, so the quickest skips are missing; a client that stamps played_at when a play
-- starts (some do) measures the previous track's time instead: an estimate that errs either way. Weeks
-- start on Monday (UTC) of a play's end. Times become seconds through a day number (days since
-- 1999-12-31, valid for 2000-2099), the same in every engine.
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
             + CAST(FLOOR(CAST(CAST(substr(p.played_at, 1, 4) AS INTEGER) - 1997 AS DOUBLE) / 4) AS BIGINT)
             + EXTRACT(DOY FROM CAST(substr(p.played_at, 1, 10) AS DATE))) * 86400
           + CAST(substr(p.played_at, 12, 2) AS BIGINT) * 3600
           + CAST(substr(p.played_at, 15, 2) AS BIGINT) * 60
           + CAST(substr(p.played_at, 18, 2) AS BIGINT) AS ended_second
    FROM play AS p
    LEFT JOIN song AS s ON s.song_id = p.song_id
),
play_end AS (
    SELECT ended_second,
           LAG(ended_second) OVER (ORDER BY ended_second) AS previous_ended_second
    FROM (SELECT DISTINCT ended_second FROM timed) AS ends
),
heard AS (
    SELECT CAST(CAST(date_trunc('week', CAST(substr(t.played_at, 1, 10) AS DATE)) AS DATE) AS VARCHAR) AS week_start,
           t.duration_ms,
           e.ended_second - e.previous_ended_second AS seconds_heard
    FROM timed AS t
    JOIN play_end AS e ON e.ended_second = t.ended_second
)
SELECT week_start,
       COUNT(*) AS play_count,
       SUM(CASE WHEN seconds_heard * 2000 < duration_ms THEN 1 ELSE 0 END) AS skipped_count,
       ROUND(CAST(1000 * SUM(CASE WHEN seconds_heard * 2000 < duration_ms THEN 1 ELSE 0 END) AS DOUBLE) / COUNT(*)) / 10 AS skip_percent
FROM heard
WHERE seconds_heard IS NOT NULL
GROUP BY week_start
ORDER BY week_start
