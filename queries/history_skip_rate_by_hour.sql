-- Question: When do I skip most, by weekday and hour of day (UTC)?
-- The extended history's music streams (tracks, as skip_rate counts) whose row says whether they
-- were skipped, by their end's weekday (0 = Monday ... 6 = Sunday, as listening_clock numbers them)
-- and hour, UTC. A skip is a stream marked skipped, or ended with the forward or back button (older
-- exports leave skipped empty but give the reason). Rows that say neither carry no skip information
-- and are left out rather than counted as not skipped, as are the API's and the account data's, which
-- never record one (by source: an engine may read a CSV lake's empty skipped as false).
-- streams_with_skip_info is how many streams each share is based on. The share is a percentage with
-- one decimal, as skip_rate's, rounded as a count of tenths so that exact halves round up on every
-- engine. The weekday comes from a day number (days since 1999-12-31, valid for 2000-2099): Athena,
-- DuckDB and Snowflake name and number their weekdays differently.
WITH streams AS (
    SELECT CAST(substr(ended_at, 1, 4) AS INTEGER) AS ended_year,
           EXTRACT(DOY FROM CAST(substr(ended_at, 1, 10) AS DATE)) AS day_of_year,
           CAST(substr(ended_at, 12, 2) AS INTEGER) AS hour,
           CASE WHEN skipped = true OR reason_end IN ('fwdbtn', 'backbtn') THEN 1 ELSE 0 END AS is_skip
    FROM listening_history
    WHERE content_type = 'track' AND source = 'extended' AND (skipped IS NOT NULL OR NULLIF(reason_end, '') IS NOT NULL)
),
by_weekday AS (
    SELECT (365 * (ended_year - 2000) + CAST(FLOOR(CAST(ended_year - 1997 AS DOUBLE) / 4) AS INTEGER) + day_of_year + 4) % 7 AS weekday_index,
           hour, is_skip
    FROM streams
)
SELECT weekday_index AS weekday,
       CASE weekday_index WHEN 0 THEN 'Mon' WHEN 1 THEN 'Tue' WHEN 2 THEN 'Wed' WHEN 3 THEN 'Thu'
                          WHEN 4 THEN 'Fri' WHEN 5 THEN 'Sat' ELSE 'Sun' END AS weekday_name,
       hour AS hour_of_day,
       COUNT(*) AS streams_with_skip_info,
       SUM(is_skip) AS skips,
       ROUND(CAST(1000 * SUM(is_skip) AS DOUBLE) / COUNT(*)) / 10 AS skip_percent
FROM by_weekday
GROUP BY weekday_index, hour
ORDER BY weekday_index, hour
