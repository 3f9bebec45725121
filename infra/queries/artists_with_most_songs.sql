-- Question: Which artists have the most songs across my playlists right now?
-- Counts distinct songs on any playlist in the latest snapshot, crediting every artist of a song.
WITH latest AS (
  SELECT max(snapshot_date) AS snapshot_date FROM playlist_entries
)
SELECT a.artist_name,
       count(DISTINCT e.song_id) AS songs
FROM playlist_entries e
JOIN latest l ON e.snapshot_date = l.snapshot_date
JOIN song_artists sa ON sa.song_id = e.song_id AND sa.snapshot_date = e.snapshot_date
JOIN artists a ON a.artist_id = sa.artist_id AND a.snapshot_date = e.snapshot_date
GROUP BY a.artist_name
ORDER BY songs DESC, a.artist_name
LIMIT 10
