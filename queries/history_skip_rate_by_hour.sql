-- Question: When do I skip most, by weekday and hour of day?
-- The streams of listening_history whose row says whether they were skipped, by their end's weekday
-- (Monday first) and hour, UTC. A skip is a stream marked skipped, or ended with the forward or back
-- button (older exports leave skipped empty but give the reason). Rows that say neither (those from
-- the API, the account data, some export rows) carry no skip information and are left out rather than
-- counted as not skipped; streams_with_skip_info is how many streams each rate is based on. The
-- weekday is computed from a day number (days since 1999-12-31, valid for 2000-2099) because Athena,
-- DuckDB and Snowflake name their weekday functions differently and number the days differently.
WITH streams AS (
    SELECT CAST(substr(ended_at, 1, 4) AS INTEGER) AS ended_year,
           EXTRACT(DOY FROM CAST(substr(ended_at, 1, 10) AS DATE)) AS day_of_year,
           CAST(substr(ended_at, 12, 2) AS INTEGER) AS hour,
           CASE WHEN skipped = true OR reason_end IN ('fwdbtn', 'backbtn') THEN 1 ELSE 0 END AS is_skip
    FROM listening_history
    WHERE skipped IS NOT NULL OR NULLIF(reason_end, '') IS NOT NULL
),
by_weekday AS (
    SELECT (365 * (ended_year - 2000) + CAST(FLOOR((ended_year - 1997) / 4.0) AS INTEGER) + day_of_year + 4) % 7 AS weekday_index,
           hour, is_skip
    FROM streams
)
SELECT weekday_index + 1 AS weekday_number,
       CASE weekday_index WHEN 0 THEN 'Monday' WHEN 1 THEN 'Tuesday' WHEN 2 THEN 'Wednesday' WHEN 3 THEN 'Thursday'
                          WHEN 4 THEN 'Friday' WHEN 5 THEN 'Saturday' ELSE 'Sunday' END AS weekday,
       hour,
       COUNT(*) AS streams_with_skip_info,
       SUM(is_skip) AS skips,
       round(CAST(SUM(is_skip) AS DOUBLE) / COUNT(*), 3) AS skip_rate
FROM by_weekday
GROUP BY weekday_index, hour
ORDER BY weekday_number, hour
