-- Question: When do I skip most, by weekday and hour of day?
-- Every stream of listening_history by its end's weekday (Monday first) and hour, UTC. A skip is a
-- stream marked skipped, or ended with the forward or back button (older exports leave skipped
-- empty). The skip rate is skips over streams.
-- Snowflake: DAYOFWEEKISO numbers Monday 1 to Sunday 7 whatever WEEK_START says.
WITH streams AS (
    SELECT DAYOFWEEKISO(TO_DATE(SUBSTR(ended_at, 1, 10))) - 1 AS weekday_index,
           CAST(SUBSTR(ended_at, 12, 2) AS INTEGER) AS hour,
           CASE WHEN skipped = TRUE OR reason_end IN ('fwdbtn', 'backbtn') THEN 1 ELSE 0 END AS skip
    FROM listening_history
)
SELECT weekday_index + 1 AS weekday_number,
       CASE weekday_index WHEN 0 THEN 'Monday' WHEN 1 THEN 'Tuesday' WHEN 2 THEN 'Wednesday' WHEN 3 THEN 'Thursday'
                          WHEN 4 THEN 'Friday' WHEN 5 THEN 'Saturday' ELSE 'Sunday' END AS weekday,
       hour,
       COUNT(*) AS streams,
       SUM(skip) AS skips,
       ROUND(SUM(skip) / COUNT(*), 3) AS skip_rate
FROM streams
GROUP BY weekday_index, hour
ORDER BY weekday_number, hour
