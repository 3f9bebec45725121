-- Question: What are the current top songs of each playlist?
-- The first 10 songs by position in each playlist's current version: the version (snapshot id) its
-- playlists row names on the latest day it was extracted. Only playlists of the lake's latest
-- extraction day (playlists_current's latest snapshot_date) are listed: playlists_current keeps every
-- playlist ever seen, also one deleted, unfollowed or no longer extracted. The version's items come from
-- playlist_entries by (playlist_id, playlist_snapshot_id), whatever day they landed on, read from one
-- landing day so a version landed twice is listed once. version_first_seen is the first day that
-- version was seen. Playlists sharing a name are kept apart, by id. artist_names names the artists the
-- song credits now (the first three named, then how many more). An unknown (empty) playlist name, or a
-- song none of whose artists is named, is NULL in either format; unnamed playlists come last.
-- playlist_rank counts songs: local files, episodes and removed tracks have no entry row.
WITH version_seen AS (
    SELECT playlist_id, playlist_snapshot_id, MIN(snapshot_date) AS version_first_seen
    FROM playlists
    GROUP BY playlist_id, playlist_snapshot_id
),
latest_day AS (
    -- From the current table itself, not from playlists: between a transform's new day and its rebuild of the
    -- current tables (Athena reads while the function writes) the two disagree, and no playlist would match.
    SELECT MAX(snapshot_date) AS snapshot_date
    FROM playlists_current
),
current_version AS (
    SELECT c.playlist_id, NULLIF(c.playlist_name, '') AS playlist_name, c.playlist_snapshot_id, c.snapshot_date, v.version_first_seen
    FROM playlists_current AS c
    JOIN latest_day AS d ON d.snapshot_date = c.snapshot_date
    JOIN version_seen AS v
      ON v.playlist_id = c.playlist_id AND v.playlist_snapshot_id = c.playlist_snapshot_id
),
version_landing AS (
    SELECT playlist_id, playlist_snapshot_id, MAX(snapshot_date) AS landed_on
    FROM playlist_entries
    GROUP BY playlist_id, playlist_snapshot_id
),
version_entry AS (
    SELECT DISTINCT e.playlist_id, e.playlist_snapshot_id, e.position, e.song_id
    FROM playlist_entries AS e
    JOIN version_landing AS l
      ON l.playlist_id = e.playlist_id
     AND l.playlist_snapshot_id = e.playlist_snapshot_id
     AND l.landed_on = e.snapshot_date
),
current_entry AS (
    SELECT c.playlist_id, c.playlist_name, c.version_first_seen, c.snapshot_date, ve.song_id,
           ROW_NUMBER() OVER (PARTITION BY c.playlist_id ORDER BY ve.position) AS playlist_rank
    FROM current_version AS c
    JOIN version_entry AS ve
      ON ve.playlist_id = c.playlist_id AND ve.playlist_snapshot_id = c.playlist_snapshot_id
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
)
SELECT e.playlist_name,
       e.playlist_rank,
       COALESCE(NULLIF(s.song_name, ''), e.song_id) AS song_name,
       c.artist_names,
       e.version_first_seen,
       e.snapshot_date
FROM current_entry AS e
LEFT JOIN song AS s ON s.song_id = e.song_id
LEFT JOIN credits AS c ON c.song_id = e.song_id
WHERE e.playlist_rank <= 10
ORDER BY e.playlist_name NULLS LAST, e.playlist_id, e.playlist_rank
