-- The transform as a data engineer would write it in DuckDB today: read_json over the raw pages,
-- unnest the items, DISTINCT per snapshot date, COPY each table to Parquet partitioned by
-- snapshot_date. {raw} and {out} are replaced by transform.mjs. What it leaves out compared with
-- spotify-etl transform is listed in docs/benchmarks.md.

CREATE TEMP TABLE item_pages AS
SELECT snapshot_date, split_part(filename, '/', -2) AS playlist_id,
       split_part(split_part(filename, '/', -1), '-', 1) AS run_id, "offset", items
FROM read_json('{raw}/playlist_items/*/*/*.json', hive_partitioning = true, filename = true);

CREATE TEMP TABLE entries AS
SELECT snapshot_date, playlist_id, run_id, "offset" + idx AS position,
       entry.item AS track, entry.added_at, entry.added_by.id AS added_by
FROM (SELECT snapshot_date, playlist_id, run_id, "offset", unnest(items) AS entry, generate_subscripts(items, 1) AS idx
      FROM item_pages);

CREATE TEMP TABLE metadata AS
SELECT snapshot_date, id AS playlist_id, split_part(split_part(filename, '/', -1), '-', 1) AS run_id,
       name AS playlist_name, snapshot_id AS playlist_snapshot_id, owner.id AS owner_id
FROM read_json('{raw}/playlist/*/*/*.json', hive_partitioning = true, filename = true);

CREATE TEMP TABLE plays AS
SELECT snapshot_date, play.played_at, play.track AS track, play.context."type" AS context_type, play.context.uri AS context_uri
FROM (SELECT snapshot_date, unnest(items) AS play
      FROM read_json('{raw}/recently_played/*/*/*.json', hive_partitioning = true));

-- The library's saves and the top tracks describe songs too, in the same track objects.
CREATE TEMP TABLE listed AS
SELECT snapshot_date, save.track AS track
FROM (SELECT snapshot_date, unnest(items) AS save
      FROM read_json('{raw}/saved_tracks/*/*/*.json', hive_partitioning = true))
UNION ALL
SELECT snapshot_date, unnest(items) AS track
FROM read_json('{raw}/top_tracks/*/*/*.json', hive_partitioning = true);

CREATE TEMP TABLE tracks AS
SELECT snapshot_date, track FROM entries WHERE track.type = 'track' AND track.id IS NOT NULL
UNION ALL
SELECT snapshot_date, track FROM plays WHERE track.id IS NOT NULL
UNION ALL
SELECT snapshot_date, track FROM listed WHERE track.id IS NOT NULL;

COPY (SELECT DISTINCT ON (snapshot_date, track.id) track.id AS song_id, track.name AS song_name,
             track.duration_ms, track.explicit, track.external_ids.isrc AS isrc, NULL::INTEGER AS popularity,
             track.track_number, track.disc_number, track.album.id AS album_id,
             track.artists[1].id AS primary_artist_id, track.external_urls.spotify AS song_url, snapshot_date
      FROM tracks)
TO '{out}/songs' (FORMAT parquet, PARTITION_BY (snapshot_date), OVERWRITE_OR_IGNORE);

COPY (SELECT DISTINCT ON (snapshot_date, track.album.id) track.album.id AS album_id, track.album.name AS album_name,
             track.album.album_type, track.album.release_date, track.album.release_date_precision,
             TRY_CAST(left(track.album.release_date, 4) AS INTEGER) AS release_year,
             track.album.total_tracks, track.album.external_urls.spotify AS album_url, snapshot_date
      FROM tracks)
TO '{out}/albums' (FORMAT parquet, PARTITION_BY (snapshot_date), OVERWRITE_OR_IGNORE);

COPY (SELECT DISTINCT ON (snapshot_date, artist.id) artist.id AS artist_id, artist.name AS artist_name,
             artist.external_urls.spotify AS artist_url, snapshot_date
      FROM (SELECT snapshot_date, unnest(track.artists) AS artist FROM tracks))
TO '{out}/artists' (FORMAT parquet, PARTITION_BY (snapshot_date), OVERWRITE_OR_IGNORE);

COPY (SELECT DISTINCT song_id, artist_id, artist_position, snapshot_date
      FROM (SELECT snapshot_date, track.id AS song_id, unnest(track.artists).id AS artist_id,
                   generate_subscripts(track.artists, 1) AS artist_position
            FROM tracks))
TO '{out}/song_artists' (FORMAT parquet, PARTITION_BY (snapshot_date), OVERWRITE_OR_IGNORE);

COPY (SELECT DISTINCT playlist_id, playlist_name, playlist_snapshot_id, owner_id, snapshot_date FROM metadata)
TO '{out}/playlists' (FORMAT parquet, PARTITION_BY (snapshot_date), OVERWRITE_OR_IGNORE);

COPY (SELECT DISTINCT e.playlist_id, m.playlist_name, m.playlist_snapshot_id, e.position, e.track.id AS song_id,
             e.added_at, e.added_by, e.snapshot_date
      FROM entries AS e
      LEFT JOIN metadata AS m USING (snapshot_date, playlist_id, run_id)
      WHERE e.track.type = 'track' AND e.track.id IS NOT NULL)
TO '{out}/playlist_entries' (FORMAT parquet, PARTITION_BY (snapshot_date), OVERWRITE_OR_IGNORE);

COPY (SELECT DISTINCT played_at, track.id AS song_id, context_type, context_uri, snapshot_date
      FROM plays WHERE track.id IS NOT NULL)
TO '{out}/plays' (FORMAT parquet, PARTITION_BY (snapshot_date), OVERWRITE_OR_IGNORE);
