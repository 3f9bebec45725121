-- Question: Which songs entered or dropped out of each playlist since its previous version?
-- Compares each playlist's two latest distinct versions (snapshot ids in its playlists rows,
-- ordered by the last day each was seen), not its two latest days: a playlist extracted unchanged,
-- or whose version was landed twice, is still compared with the version before. Items come from
-- playlist_entries by snapshot id. A playlist with a single version has no changes yet. Position is
-- where the song stands in the version it appears in; the dates are the days each version was
-- first seen. Playlists sharing a name are kept apart, in the order of their ids. artist_names lists
-- the artists the song credits now (the first three named, then how many more). A playlist name that
-- is unknown (empty, or a playlist the current-state tables do not hold yet), or a song none of whose
-- artists is named, is NULL, whichever format stores the lake; unnamed playlists come last.
WITH version AS (
    SELECT playlist_id, playlist_snapshot_id,
           MIN(snapshot_date) AS first_seen,
           MAX(snapshot_date) AS last_seen
    FROM playlists
    GROUP BY playlist_id, playlist_snapshot_id
),
ranked_version AS (
    SELECT playlist_id, playlist_snapshot_id, first_seen,
           ROW_NUMBER() OVER (PARTITION BY playlist_id ORDER BY last_seen DESC) AS recency
    FROM version
),
version_pair AS (
    SELECT latest.playlist_id,
           latest.playlist_snapshot_id AS latest_snapshot_id,
           latest.first_seen AS latest_version_first_seen,
           previous.playlist_snapshot_id AS previous_snapshot_id,
           previous.first_seen AS previous_version_first_seen
    FROM ranked_version AS latest
    JOIN ranked_version AS previous
      ON previous.playlist_id = latest.playlist_id AND previous.recency = 2
    WHERE latest.recency = 1
),
latest_song AS (
    SELECT e.playlist_id, e.song_id, MIN(e.position) AS position
    FROM playlist_entries AS e
    JOIN version_pair AS vp
      ON vp.playlist_id = e.playlist_id AND e.playlist_snapshot_id = vp.latest_snapshot_id
    GROUP BY e.playlist_id, e.song_id
),
previous_song AS (
    SELECT e.playlist_id, e.song_id, MIN(e.position) AS position
    FROM playlist_entries AS e
    JOIN version_pair AS vp
      ON vp.playlist_id = e.playlist_id AND e.playlist_snapshot_id = vp.previous_snapshot_id
    GROUP BY e.playlist_id, e.song_id
),
movement AS (
    SELECT l.playlist_id, l.song_id, 'new_entry' AS change_type, l.position
    FROM latest_song AS l
    LEFT JOIN previous_song AS p ON p.playlist_id = l.playlist_id AND p.song_id = l.song_id
    WHERE p.song_id IS NULL
    UNION ALL
    SELECT p.playlist_id, p.song_id, 'drop_out' AS change_type, p.position
    FROM previous_song AS p
    LEFT JOIN latest_song AS l ON l.playlist_id = p.playlist_id AND l.song_id = p.song_id
    WHERE l.song_id IS NULL
),
playlist AS (
    SELECT playlist_id, NULLIF(playlist_name, '') AS playlist_name
    FROM playlists_current
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
SELECT pl.playlist_name,
       m.change_type,
       m.position,
       COALESCE(NULLIF(s.song_name, ''), m.song_id) AS song_name,
       c.artist_names,
       vp.previous_version_first_seen,
       vp.latest_version_first_seen
FROM movement AS m
JOIN version_pair AS vp ON vp.playlist_id = m.playlist_id
LEFT JOIN playlist AS pl ON pl.playlist_id = m.playlist_id
LEFT JOIN song AS s ON s.song_id = m.song_id
LEFT JOIN credits AS c ON c.song_id = m.song_id
ORDER BY pl.playlist_name NULLS LAST, m.playlist_id, m.change_type, m.position
