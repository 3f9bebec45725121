-- Question: How many rows does each table hold per snapshot date, and are keys unique?
-- One row per table and snapshot date: the row count and the number of distinct keys (playlists:
-- playlist_id; playlist_entries: playlist_id/playlist_snapshot_id/position; plays:
-- played_at/song_id; saved_tracks: song_id/saved_at; top_items: item_type/time_range/rank). A difference between
-- the two means duplicate rows in that day's files; a day missing from every table means the extraction or
-- transformation did not run. playlist_entries has rows only on days a playlist changed, saved_tracks on
-- days with a new save, top_items on days a list changed (an unchanged list lands nothing; one served empty
-- is one row of rank 0), and the two also on a day an unchanged one landed again before the raw lifecycle
-- expired its last copy (a stack's SPOTIFY_SNAPSHOT_RELAND_DAYS); playlists on every day it was extracted. An entry whose day has no playlist metadata (its object did not land)
-- has no snapshot id: NULL in Parquet, '' in CSV, one key either way.
SELECT snapshot_date, 'albums' AS table_name, COUNT(*) AS row_count,
       COUNT(DISTINCT album_id) AS distinct_keys
FROM albums GROUP BY snapshot_date
UNION ALL
SELECT snapshot_date, 'artists' AS table_name, COUNT(*) AS row_count,
       COUNT(DISTINCT artist_id) AS distinct_keys
FROM artists GROUP BY snapshot_date
UNION ALL
SELECT snapshot_date, 'playlist_entries' AS table_name, COUNT(*) AS row_count,
       COUNT(DISTINCT playlist_id || '/' || COALESCE(playlist_snapshot_id, '') || '/' || CAST(position AS VARCHAR)) AS distinct_keys
FROM playlist_entries GROUP BY snapshot_date
UNION ALL
SELECT snapshot_date, 'playlists' AS table_name, COUNT(*) AS row_count,
       COUNT(DISTINCT playlist_id) AS distinct_keys
FROM playlists GROUP BY snapshot_date
UNION ALL
SELECT snapshot_date, 'plays' AS table_name, COUNT(*) AS row_count,
       COUNT(DISTINCT played_at || '/' || song_id) AS distinct_keys
FROM plays GROUP BY snapshot_date
UNION ALL
SELECT snapshot_date, 'saved_tracks' AS table_name, COUNT(*) AS row_count,
       COUNT(DISTINCT song_id || '/' || saved_at) AS distinct_keys
FROM saved_tracks GROUP BY snapshot_date
UNION ALL
SELECT snapshot_date, 'song_artists' AS table_name, COUNT(*) AS row_count,
       COUNT(DISTINCT song_id || '/' || artist_id) AS distinct_keys
FROM song_artists GROUP BY snapshot_date
UNION ALL
SELECT snapshot_date, 'songs' AS table_name, COUNT(*) AS row_count,
       COUNT(DISTINCT song_id) AS distinct_keys
FROM songs GROUP BY snapshot_date
UNION ALL
SELECT snapshot_date, 'top_items' AS table_name, COUNT(*) AS row_count,
       COUNT(DISTINCT item_type || '/' || time_range || '/' || CAST(rank AS VARCHAR)) AS distinct_keys
FROM top_items GROUP BY snapshot_date
ORDER BY snapshot_date, table_name
