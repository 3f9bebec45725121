-- Question: Which songs entered or dropped out of each playlist since its previous version?
-- Compares each playlist's two latest distinct versions (snapshot ids in its playlists rows,
-- ordered by the last day each was seen), not its two latest days: a playlist extracted unchanged,
-- or whose version was landed twice, is still compared with the version before. Items come from
-- playlist_entries by snapshot id. A playlist with a single version has no changes yet. Position is
-- where the song stands in the version it appears in; the dates are the days each version was
-- first seen. Playlists sharing a name are kept apart, in the order of their ids. A playlist or
-- artist name that is unknown (empty) is NULL, whichever format stores the lake; unnamed playlists
-- come last.
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
    SELECT song_id, song_name, primary_artist_id
    FROM songs_current
),
artist AS (
    SELECT artist_id, NULLIF(artist_name, '') AS artist_name
    FROM artists_current
)
SELECT pl.playlist_name,
       m.change_type,
       m.position,
       COALESCE(NULLIF(s.song_name, ''), m.song_id) AS song_name,
       a.artist_name,
       vp.previous_version_first_seen,
       vp.latest_version_first_seen
FROM movement AS m
JOIN version_pair AS vp ON vp.playlist_id = m.playlist_id
JOIN playlist AS pl ON pl.playlist_id = m.playlist_id
LEFT JOIN song AS s ON s.song_id = m.song_id
LEFT JOIN artist AS a ON a.artist_id = s.primary_artist_id
ORDER BY pl.playlist_name NULLS LAST, m.playlist_id, m.change_type, m.position
