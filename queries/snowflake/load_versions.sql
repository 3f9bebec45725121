-- Question: How many versions of each day's file does Snowflake hold since its daily prune, per table?
-- Snowflake only: it reads the load history tables (<table>_loads) that the Snowflake load keeps
-- beside the latest-load views (which read only each file's newest version). The prune tasks delete
-- every superseded version daily at 04:15 UTC, so file_versions above 1 means the day's file was
-- rewritten since then: today's by each run (the lake rewrites the day's partitions every run), an
-- earlier day's by a replay. A missing day is a day without that table's file: no rows that day (playlist_entries
-- is written only on days a playlist changed; plays and saved_tracks on days with none), or a run that failed.
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
ORDER BY snapshot_date, table_name
