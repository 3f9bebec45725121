#!/usr/bin/env python3
"""The transform of the well-known "Spotify data pipeline with AWS Lambda, S3, Glue and Athena"
tutorials, as the baseline `make bench` measures spotify-etl against.

Their Lambda json.loads every raw file, loops over the playlist items building song, album and artist
lists of dicts, turns each list into a pandas DataFrame, drops duplicate ids, parses the dates and
writes each table as CSV. The same functions run here over a folder of raw files instead of S3, with
two changes so that they read today's responses at all: an entry's track is read from `item` (or the
deprecated `track`), and entries without a track id (unavailable tracks, local files, episodes) are
skipped instead of crashing. The lists of every file are joined into one DataFrame per table before
the CSVs are written, which is faster than the tutorials' DataFrame per file: the comparison is
conservative.

usage: transform.py RAW_FOLDER OUT_FOLDER
"""
import json
import os
import sys

import pandas as pd


def tracks(data):
    items = data.get("items")
    if not isinstance(items, list):
        return
    for row in items:
        track = row.get("item") or row.get("track")
        if not track or track.get("type") != "track" or not track.get("id"):
            continue
        yield row, track


def album(data):
    album_list = []
    for row, track in tracks(data):
        album_id = track["album"]["id"]
        album_name = track["album"]["name"]
        album_release_date = track["album"]["release_date"]
        album_total_tracks = track["album"]["total_tracks"]
        album_url = track["album"]["external_urls"]["spotify"]
        album_element = {"album_id": album_id, "name": album_name, "release_date": album_release_date,
                         "total_tracks": album_total_tracks, "url": album_url}
        album_list.append(album_element)
    return album_list


def artist(data):
    artist_list = []
    for row, track in tracks(data):
        for artist in track["artists"]:
            artist_dict = {"artist_id": artist["id"], "artist_name": artist["name"], "external_url": artist["href"]}
            artist_list.append(artist_dict)
    return artist_list


def songs(data):
    song_list = []
    for row, track in tracks(data):
        song_id = track["id"]
        song_name = track["name"]
        song_duration = track["duration_ms"]
        song_url = track["external_urls"]["spotify"]
        song_popularity = track.get("popularity")
        song_added = row.get("added_at") or row.get("played_at")
        album_id = track["album"]["id"]
        artist_id = track["album"]["artists"][0]["id"]
        song_element = {"song_id": song_id, "song_name": song_name, "duration_ms": song_duration, "url": song_url,
                        "popularity": song_popularity, "song_added": song_added, "album_id": album_id,
                        "artist_id": artist_id}
        song_list.append(song_element)
    return song_list


def main(raw_folder, out_folder):
    spotify_data = []
    for folder, _, files in os.walk(raw_folder):
        for file in sorted(files):
            if file.endswith(".json"):
                with open(os.path.join(folder, file), encoding="utf-8") as handle:
                    spotify_data.append(json.load(handle))

    album_list, artist_list, song_list = [], [], []
    for data in spotify_data:
        album_list += album(data)
        artist_list += artist(data)
        song_list += songs(data)

    album_df = pd.DataFrame.from_dict(album_list).drop_duplicates(subset=["album_id"])
    artist_df = pd.DataFrame.from_dict(artist_list).drop_duplicates(subset=["artist_id"])
    song_df = pd.DataFrame.from_dict(song_list).drop_duplicates(subset=["song_id"])
    album_df["release_date"] = pd.to_datetime(album_df["release_date"], errors="coerce")
    # Saves' times have no fraction and plays' have milliseconds: pandas 2 takes one format from the first value unless told.
    song_df["song_added"] = pd.to_datetime(song_df["song_added"], **({"format": "ISO8601"} if int(pd.__version__.split(".")[0]) >= 2 else {}))

    os.makedirs(out_folder, exist_ok=True)
    for name, frame in (("songs", song_df), ("albums", album_df), ("artists", artist_df)):
        frame.to_csv(os.path.join(out_folder, f"{name}.csv"), index=False)
    print(f"{len(spotify_data)} files: {len(song_df)} songs, {len(album_df)} albums, {len(artist_df)} artists")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: transform.py RAW_FOLDER OUT_FOLDER")
    main(sys.argv[1], sys.argv[2])
