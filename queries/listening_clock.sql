-- Question: At what hours of which weekdays do I listen (UTC)?
-- Plays per weekday (0 = Monday ... 6 = Sunday) and hour of the day, both in UTC, a play counted once
-- however many snapshot dates stored it. The weekday is computed from a day number (days since
-- 1999-12-31, valid for 2000-2099) because Athena, DuckDB and Snowflake name their weekday functions
-- differently and number the days differently.
WITH play AS (
    SELECT DISTINCT played_at, song_id
    FROM plays
),
dated AS (
    SELECT CAST(substr(played_at, 1, 4) AS INTEGER) AS play_year,
           EXTRACT(DOY FROM CAST(substr(played_at, 1, 10) AS DATE)) AS day_of_year,
           CAST(substr(played_at, 12, 2) AS INTEGER) AS hour_of_day
    FROM play
),
numbered AS (
    SELECT (365 * (play_year - 2000) + CAST(FLOOR(CAST(play_year - 1997 AS DOUBLE) / 4) AS INTEGER) + day_of_year + 4) % 7 AS weekday,
           hour_of_day
    FROM dated
)
SELECT weekday,
       CASE weekday WHEN 0 THEN 'Mon' WHEN 1 THEN 'Tue' WHEN 2 THEN 'Wed' WHEN 3 THEN 'Thu'
                    WHEN 4 THEN 'Fri' WHEN 5 THEN 'Sat' ELSE 'Sun' END AS weekday_name,
       hour_of_day,
       COUNT(*) AS play_count
FROM numbered
GROUP BY weekday, hour_of_day
ORDER BY weekday, hour_of_day
