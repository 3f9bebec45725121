-- Question: When do I skip most, by weekday and hour of day?
-- Every stream of listening_history by its end's weekday (Monday first) and hour, UTC. A skip is a
-- stream marked skipped, or ended with the forward or back button (older exports leave skipped
-- empty). The skip rate is skips over streams. The weekday is computed from a day number (days since
-- 1999-12-31, valid for 2000-2099) because Athena, DuckDB and Snowflake name their weekday functions
-- differently and number the days differently.
WITH streams AS (
    SELECT CAST(substr(ended_at, 1, 4) AS INTEGER) AS ended_year,
           EXTRACT(DOY FROM CAST(substr(ended_at, 1, 10) AS DATE)) AS day_of_year,
           CAST(substr(ended_at, 12, 2) AS INTEGER) AS hour,
           CASE WHEN skipped = true OR reason_end IN ('fwdbtn', 'backbtn') THEN 1 ELSE 0 END AS is_skip
    FROM listening_history
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
       COUNT(*) AS streams,
       SUM(is_skip) AS skips,
       round(CAST(SUM(is_skip) AS DOUBLE) / COUNT(*), 3) AS skip_rate
FROM by_weekday
GROUP BY weekday_index, hour
ORDER BY weekday_number, hour
