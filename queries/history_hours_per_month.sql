-- Question: How many hours did I listen each month?
-- From listening_history (the data export, its account data and the API's plays, each stream once).
-- Hours count every stream's time played (a play from the API, after the export ends, counts its track's
-- whole length: the API does not say how long it played); plays count streams of at least min_play_ms (30 s, the
-- threshold other listening tools use; the same setting in every history query). Months are UTC.
WITH settings AS (
    SELECT 30000 AS min_play_ms
)
SELECT h.ended_month AS month,
       round(CAST(SUM(h.ms_played) AS DOUBLE) / 3600000, 1) AS hours,
       SUM(CASE WHEN h.ms_played >= s.min_play_ms THEN 1 ELSE 0 END) AS plays,
       COUNT(*) AS streams
FROM listening_history AS h
CROSS JOIN settings AS s
GROUP BY h.ended_month
ORDER BY month DESC
