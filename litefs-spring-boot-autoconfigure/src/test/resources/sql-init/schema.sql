create table if not exists posts (id integer primary key autoincrement, title text not null, node text not null);
create index if not exists posts_by_node on posts (node);
