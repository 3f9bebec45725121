-- Question: Which songs entered or dropped out of each playlist since its previous snapshot?
-- Compares the two latest snapshot dates of each playlist (its own, so a playlist extracted on
-- different days is still compared with its previous version). A playlist with a single snapshot
-- has no changes yet. Position is where the song stands in the snapshot it appears in.
WITH snapshot AS (
    SELECT DISTINCT playlist_id, snapshot_date
    FROM playlist_entries
),
ranked_snapshot AS (
    SELECT playlist_id, snapshot_date,
           ROW_NUMBER() OVER (PARTITION BY playlist_id ORDER BY snapshot_date DESC) AS recency
    FROM snapshot
),
snapshot_pair AS (
    SELECT latest.playlist_id,
           latest.snapshot_date AS latest_snapshot_date,
           previous.snapshot_date AS previous_snapshot_date
    FROM ranked_snapshot AS latest
    JOIN ranked_snapshot AS previous
      ON previous.playlist_id = latest.playlist_id AND previous.recency = 2
    WHERE latest.recency = 1
),
latest_song AS (
    SELECT e.playlist_id, e.song_id, MIN(e.position) AS position
    FROM playlist_entries AS e
    JOIN snapshot_pair AS sp
      ON sp.playlist_id = e.playlist_id AND e.snapshot_date = sp.latest_snapshot_date
    GROUP BY e.playlist_id, e.song_id
),
previous_song AS (
    SELECT e.playlist_id, e.song_id, MIN(e.position) AS position
    FROM playlist_entries AS e
    JOIN snapshot_pair AS sp
      ON sp.playlist_id = e.playlist_id AND e.snapshot_date = sp.previous_snapshot_date
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
    SELECT playlist_id, playlist_name
    FROM (
        SELECT playlist_id, playlist_name,
               ROW_NUMBER() OVER (PARTITION BY playlist_id ORDER BY snapshot_date DESC, position) AS recency
        FROM playlist_entries
    ) AS versions
    WHERE recency = 1
),
song AS (
    SELECT song_id, song_name, primary_artist_id
    FROM (
        SELECT song_id, song_name, primary_artist_id,
               ROW_NUMBER() OVER (PARTITION BY song_id ORDER BY snapshot_date DESC) AS recency
        FROM songs
    ) AS versions
    WHERE recency = 1
),
artist AS (
    SELECT artist_id, artist_name
    FROM (
        SELECT artist_id, artist_name,
               ROW_NUMBER() OVER (PARTITION BY artist_id ORDER BY snapshot_date DESC) AS recency
        FROM artists
    ) AS versions
    WHERE recency = 1
)
SELECT pl.playlist_name,
       m.change_type,
       m.position,
       COALESCE(s.song_name, m.song_id) AS song_name,
       a.artist_name,
       sp.previous_snapshot_date,
       sp.latest_snapshot_date
FROM movement AS m
JOIN snapshot_pair AS sp ON sp.playlist_id = m.playlist_id
JOIN playlist AS pl ON pl.playlist_id = m.playlist_id
LEFT JOIN song AS s ON s.song_id = m.song_id
LEFT JOIN artist AS a ON a.artist_id = s.primary_artist_id
ORDER BY pl.playlist_name, m.change_type, m.position
