-- Question: How much time did I spend on podcasts and audiobooks each year?
-- Hours of podcast episodes and audiobook chapters per year (UTC) from listening_history, each
-- stream once, with the number of streams and of distinct shows or books. NULLIF: a CSV lake writes an
-- absent name as '', not NULL.
SELECT substr(ended_at, 1, 4) AS year,
       content_type,
       round(CAST(SUM(ms_played) AS DOUBLE) / 3600000, 1) AS hours,
       COUNT(*) AS streams,
       COUNT(DISTINCT coalesce(NULLIF(show_name, ''), NULLIF(audiobook_title, ''))) AS titles
FROM listening_history
WHERE content_type IN ('episode', 'audiobook')
GROUP BY substr(ended_at, 1, 4), content_type
ORDER BY year DESC, content_type
