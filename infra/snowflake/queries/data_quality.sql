-- Question: How many rows does each table hold per snapshot date, and are keys unique?
-- One row per table and snapshot date: the row count and the number of distinct keys (playlists:
-- playlist_id; playlist_entries: playlist_id/playlist_snapshot_id/position; saved_tracks:
-- song_id/saved_at; top_items: item_type/time_range/rank) in the latest-load views,
-- and how many versions of that day's file Snowflake has loaded. A difference between rows and keys
-- means duplicate rows in the file; file_versions above 1 means the day was replayed (the views read
-- only the newest version); a missing day means the extraction, transformation or load did not run.
WITH lake AS (
    SELECT snapshot_date, 'albums' AS table_name, COUNT(*) AS row_count, COUNT(DISTINCT album_id) AS distinct_keys
    FROM albums GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'artists', COUNT(*), COUNT(DISTINCT artist_id)
    FROM artists GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'playlist_entries', COUNT(*),
           COUNT(DISTINCT playlist_id || '/' || playlist_snapshot_id || '/' || CAST(position AS VARCHAR))
    FROM playlist_entries GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'playlists', COUNT(*), COUNT(DISTINCT playlist_id)
    FROM playlists GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'plays', COUNT(*), COUNT(DISTINCT played_at)
    FROM plays GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'saved_tracks', COUNT(*), COUNT(DISTINCT song_id || '/' || saved_at)
    FROM saved_tracks GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'song_artists', COUNT(*), COUNT(DISTINCT song_id || '/' || artist_id)
    FROM song_artists GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'songs', COUNT(*), COUNT(DISTINCT song_id)
    FROM songs GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'top_items', COUNT(*), COUNT(DISTINCT item_type || '/' || time_range || '/' || CAST(rank AS VARCHAR))
    FROM top_items GROUP BY snapshot_date
),
loads AS (
    SELECT snapshot_date, 'albums' AS table_name, COUNT(DISTINCT load_file_checksum) AS file_versions
    FROM albums_loads GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'artists', COUNT(DISTINCT load_file_checksum) FROM artists_loads GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'playlist_entries', COUNT(DISTINCT load_file_checksum) FROM playlist_entries_loads GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'playlists', COUNT(DISTINCT load_file_checksum) FROM playlists_loads GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'plays', COUNT(DISTINCT load_file_checksum) FROM plays_loads GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'saved_tracks', COUNT(DISTINCT load_file_checksum) FROM saved_tracks_loads GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'song_artists', COUNT(DISTINCT load_file_checksum) FROM song_artists_loads GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'songs', COUNT(DISTINCT load_file_checksum) FROM songs_loads GROUP BY snapshot_date
    UNION ALL
    SELECT snapshot_date, 'top_items', COUNT(DISTINCT load_file_checksum) FROM top_items_loads GROUP BY snapshot_date
)
SELECT l.snapshot_date, l.table_name, l.row_count, l.distinct_keys, v.file_versions
FROM lake AS l
LEFT JOIN loads AS v ON v.snapshot_date = l.snapshot_date AND v.table_name = l.table_name
ORDER BY l.snapshot_date, l.table_name
