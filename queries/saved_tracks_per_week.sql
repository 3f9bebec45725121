-- Question: What did I save to my library each week?
-- Weeks start on Monday (UTC) of the day a song was saved. A save is one (song_id, saved_at) pair,
-- counted once however many extractions listed it (full passes repeat the whole library). Each
-- week lists how many songs were saved and the first of them saved (by saved_at, then song id).
WITH saved AS (
    SELECT DISTINCT song_id, saved_at
    FROM saved_tracks
),
song AS (
    SELECT song_id, song_name
    FROM songs_current
),
saved_week AS (
    SELECT CAST(CAST(date_trunc('week', CAST(substr(saved_at, 1, 10) AS DATE)) AS DATE) AS VARCHAR) AS week_start,
           song_id,
           saved_at
    FROM saved
),
weekly AS (
    SELECT w.week_start,
           w.saved_at,
           COALESCE(NULLIF(so.song_name, ''), w.song_id) AS song_name,
           ROW_NUMBER() OVER (PARTITION BY w.week_start ORDER BY w.saved_at, w.song_id) AS order_in_week
    FROM saved_week AS w
    LEFT JOIN song AS so ON so.song_id = w.song_id
)
SELECT week_start,
       COUNT(*) AS songs_saved,
       MIN(saved_at) AS first_saved_at,
       MAX(CASE WHEN order_in_week = 1 THEN song_name END) AS first_song_saved
FROM weekly
GROUP BY week_start
ORDER BY week_start DESC
