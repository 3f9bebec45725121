-- Question: Which tracks did I play most each year, in the plays the extraction recorded?
-- The ten tracks with the most plays per year (UTC), a play counted once however many snapshot dates
-- stored it, with the artists the song credits now (the first three named, then how many more; empty
-- where none is named) and its first play of that year. Ties share a rank and are ordered by name,
-- then id; a year lists ten tracks at most, so of those tied at the tenth place the first in that order.
WITH play AS (
    SELECT DISTINCT played_at, song_id
    FROM plays
),
song AS (
    SELECT song_id, song_name
    FROM songs_current
),
credit AS (
    -- A song's credits as its latest day saw them, in Spotify's order, those whose artist has a name.
    -- That day is the latest of the song's credits (song_artists_current also keeps a credit taken off
    -- since, under an older day), not its songs_current row's: the two tables are files of their own,
    -- rewritten one after the other.
    SELECT c.song_id, a.artist_name,
           ROW_NUMBER() OVER (PARTITION BY c.song_id ORDER BY c.artist_position, c.artist_id) AS credit_rank
    FROM song_artists_current AS c
    JOIN (
        SELECT song_id, MAX(snapshot_date) AS snapshot_date
        FROM song_artists_current
        GROUP BY song_id
    ) AS latest ON latest.song_id = c.song_id AND latest.snapshot_date = c.snapshot_date
    JOIN artists_current AS a ON a.artist_id = c.artist_id
    WHERE a.artist_name <> ''
),
credits AS (
    -- The first three names, then how many more: 'Bizarrap, Shakira', 'A, B, C and 2 more'.
    SELECT song_id,
           MAX(CASE WHEN credit_rank = 1 THEN artist_name END)
           || COALESCE(', ' || MAX(CASE WHEN credit_rank = 2 THEN artist_name END), '')
           || COALESCE(', ' || MAX(CASE WHEN credit_rank = 3 THEN artist_name END), '')
           || CASE WHEN COUNT(*) > 3 THEN ' and ' || CAST(COUNT(*) - 3 AS VARCHAR) || ' more' ELSE '' END AS artist_names
    FROM credit
    GROUP BY song_id
),
per_year AS (
    SELECT substr(played_at, 1, 4) AS play_year, song_id, COUNT(*) AS play_count, MIN(played_at) AS first_played_at
    FROM play
    GROUP BY substr(played_at, 1, 4), song_id
),
named AS (
    SELECT y.play_year, y.song_id, COALESCE(NULLIF(s.song_name, ''), y.song_id) AS song_name,
           COALESCE(c.artist_names, '') AS artist_names, y.play_count, y.first_played_at
    FROM per_year AS y
    LEFT JOIN song AS s ON s.song_id = y.song_id
    LEFT JOIN credits AS c ON c.song_id = y.song_id
),
ranked AS (
    SELECT play_year, song_name, artist_names, play_count, first_played_at,
           RANK() OVER (PARTITION BY play_year ORDER BY play_count DESC) AS year_rank,
           ROW_NUMBER() OVER (PARTITION BY play_year ORDER BY play_count DESC, song_name, song_id) AS nth
    FROM named
)
SELECT play_year, year_rank, song_name, artist_names, play_count, substr(first_played_at, 1, 10) AS first_played
FROM ranked
WHERE nth <= 10
ORDER BY play_year DESC, nth
