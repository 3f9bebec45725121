-- Question: How many hours did I listen each year, and how much of it was music?
-- From listening_history, each stream once. Hours count every stream's time played, split into
-- music (tracks) and the rest (podcasts, audiobooks, rows with no metadata); plays count streams of
-- at least min_play_ms (30 s; the same setting in every history query). Years are UTC.
WITH settings AS (
    SELECT 30000 AS min_play_ms
)
SELECT substr(h.ended_at, 1, 4) AS year,
       round(CAST(SUM(h.ms_played) AS DOUBLE) / 3600000, 1) AS hours,
       round(CAST(SUM(CASE WHEN h.content_type = 'track' THEN h.ms_played ELSE 0 END) AS DOUBLE) / 3600000, 1) AS music_hours,
       SUM(CASE WHEN h.ms_played >= s.min_play_ms THEN 1 ELSE 0 END) AS plays,
       COUNT(*) AS streams
FROM listening_history AS h
CROSS JOIN settings AS s
GROUP BY substr(h.ended_at, 1, 4)
ORDER BY year DESC
