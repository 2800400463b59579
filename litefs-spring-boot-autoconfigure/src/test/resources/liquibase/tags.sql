--liquibase formatted sql

--changeset litefs:tags
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
