create table notes (
    id integer primary key autoincrement,
    title text not null,
    -- SQLite's own timestamps are text, 'yyyy-MM-dd HH:mm:ss' in UTC: sqlite-jdbc is told to write and read the same
    created_at text not null default current_timestamp,
    views integer not null default 0
);

insert into notes (title) values ('Welcome');
