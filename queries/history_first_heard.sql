-- Question: When did I first hear each of my most played artists?
-- The twenty artists with the most plays (streams of at least min_play_ms, 30 s; the same setting
-- in every history query) over the whole history, with their first stream that played at all, dated
-- by its end (UTC; ended_at is what the export gives, a start is derived from a time played that
-- counts no pause; a stream of 0 ms, such as one that failed to load, was not heard) and the track
-- it was: NULL when that stream names none, whichever format stores the lake. Of an artist's streams
-- ending in the same second, the first by track name counts, one naming none last. Ties share a
-- rank; twenty artists at most: of those tied at the twentieth place, the first by name.
WITH settings AS (
    SELECT 30000 AS min_play_ms
),
top_artist AS (
    SELECT h.artist_name, COUNT(*) AS plays
    FROM listening_history AS h
    CROSS JOIN settings AS s
    WHERE h.content_type = 'track' AND NULLIF(h.artist_name, '') IS NOT NULL AND h.ms_played >= s.min_play_ms
    GROUP BY h.artist_name
),
track_stream AS (
    SELECT artist_name, ended_at, NULLIF(track_name, '') AS track_name
    FROM listening_history
    WHERE content_type = 'track' AND NULLIF(artist_name, '') IS NOT NULL AND ms_played > 0
),
first_stream AS (
    SELECT artist_name, ended_at, track_name
    FROM (
        SELECT artist_name, ended_at, track_name,
               row_number() OVER (PARTITION BY artist_name ORDER BY ended_at, track_name NULLS LAST) AS nth
        FROM track_stream
    ) AS streams
    WHERE nth = 1
),
ranked AS (
    SELECT t.artist_name, t.plays, f.ended_at AS first_heard, f.track_name AS first_track,
           rank() OVER (ORDER BY t.plays DESC) AS play_rank,
           row_number() OVER (ORDER BY t.plays DESC, t.artist_name) AS nth
    FROM top_artist AS t
    JOIN first_stream AS f ON f.artist_name = t.artist_name
)
SELECT play_rank, artist_name, plays, first_heard, first_track
FROM ranked
WHERE nth <= 20
ORDER BY play_rank, artist_name
