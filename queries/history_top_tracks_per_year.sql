-- Question: Which tracks did I play most each year, in my whole listening history?
-- The ten tracks with the most plays per year (UTC): streams of at least min_play_ms (30 s; the
-- same setting in every history query), each stream once. A track is its name and artist, so a
-- song counted from account data (names only) and from the extended history (with a URI) is one.
-- A track whose artist is unknown has a NULL artist_name, whichever format stores the lake. Ties
-- share a rank and are ordered by track name, then artist, an unknown artist last; a year lists ten
-- tracks at most, so of those tied at the tenth place the first in that order.
WITH settings AS (
    SELECT 30000 AS min_play_ms
),
per_year AS (
    SELECT substr(h.ended_at, 1, 4) AS year,
           h.track_name,
           NULLIF(h.artist_name, '') AS artist_name,
           COUNT(*) AS plays
    FROM listening_history AS h
    CROSS JOIN settings AS s
    WHERE h.content_type = 'track' AND NULLIF(h.track_name, '') IS NOT NULL AND h.ms_played >= s.min_play_ms
    GROUP BY substr(h.ended_at, 1, 4), h.track_name, NULLIF(h.artist_name, '')
),
ranked AS (
    SELECT year, track_name, artist_name, plays,
           rank() OVER (PARTITION BY year ORDER BY plays DESC) AS year_rank,
           row_number() OVER (PARTITION BY year ORDER BY plays DESC, track_name, artist_name NULLS LAST) AS nth
    FROM per_year
)
SELECT year, year_rank, track_name, artist_name, plays
FROM ranked
WHERE nth <= 10
ORDER BY year DESC, year_rank, track_name, artist_name NULLS LAST
