//! The query dispatch: the same SQL text and bindings, executed on whichever engine backs the
//! executor. Each macro expands to one `match` whose arms differ only in the connection type,
//! so a query can never be written twice.

/// `sql!(as Row, fetch_all, exec, "SELECT … WHERE id = $1", id)` runs a `query_as`;
/// `sql!(scalar T, fetch_one, exec, "…", args…)` a `query_scalar`;
/// `sql!(execute, exec, "…", args…)` runs a statement and yields the number of rows affected;
/// `sql!(dyn execute, exec, &text, args)` likewise runs a statement;
/// `sql!(dyn as Row, fetch_all, exec, &text, args)` runs a `query_as` whose text was assembled
/// from fixed fragments (optional filters) and whose values come as a `Vec<`[`Arg`]`>`, still
/// bound, never formatted into the text.
macro_rules! sql {
    (dyn execute, $exec:expr, $sql:expr, $args:expr $(,)?) => {
        match ::core::convert::Into::<$crate::db::Exec<'_>>::into($exec) {
            $crate::db::Exec::SqlitePool(c) => {
                $crate::sql::bind_all_query(::sqlx::query($sql), $args).execute(c).await.map(|r| r.rows_affected())
            }
            $crate::db::Exec::SqliteConn(c) => {
                $crate::sql::bind_all_query(::sqlx::query($sql), $args).execute(c).await.map(|r| r.rows_affected())
            }
            $crate::db::Exec::PgPool(c) => {
                $crate::sql::bind_all_query(::sqlx::query($sql), $args).execute(c).await.map(|r| r.rows_affected())
            }
            $crate::db::Exec::PgConn(c) => {
                $crate::sql::bind_all_query(::sqlx::query($sql), $args).execute(c).await.map(|r| r.rows_affected())
            }
        }
    };
    (dyn as $ty:ty, $method:ident, $exec:expr, $sql:expr, $args:expr $(,)?) => {
        match ::core::convert::Into::<$crate::db::Exec<'_>>::into($exec) {
            $crate::db::Exec::SqlitePool(c) => {
                $crate::sql::bind_all(::sqlx::query_as::<_, $ty>($sql), $args).$method(c).await
            }
            $crate::db::Exec::SqliteConn(c) => {
                $crate::sql::bind_all(::sqlx::query_as::<_, $ty>($sql), $args).$method(c).await
            }
            $crate::db::Exec::PgPool(c) => {
                $crate::sql::bind_all(::sqlx::query_as::<_, $ty>($sql), $args).$method(c).await
            }
            $crate::db::Exec::PgConn(c) => {
                $crate::sql::bind_all(::sqlx::query_as::<_, $ty>($sql), $args).$method(c).await
            }
        }
    };
    (as $ty:ty, $method:ident, $exec:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        match ::core::convert::Into::<$crate::db::Exec<'_>>::into($exec) {
            $crate::db::Exec::SqlitePool(c) => {
                ::sqlx::query_as::<_, $ty>($sql)$(.bind($arg))*.$method(c).await
            }
            $crate::db::Exec::SqliteConn(c) => {
                ::sqlx::query_as::<_, $ty>($sql)$(.bind($arg))*.$method(c).await
            }
            $crate::db::Exec::PgPool(c) => {
                ::sqlx::query_as::<_, $ty>($sql)$(.bind($arg))*.$method(c).await
            }
            $crate::db::Exec::PgConn(c) => {
                ::sqlx::query_as::<_, $ty>($sql)$(.bind($arg))*.$method(c).await
            }
        }
    };
    (scalar $ty:ty, $method:ident, $exec:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        match ::core::convert::Into::<$crate::db::Exec<'_>>::into($exec) {
            $crate::db::Exec::SqlitePool(c) => {
                ::sqlx::query_scalar::<_, $ty>($sql)$(.bind($arg))*.$method(c).await
            }
            $crate::db::Exec::SqliteConn(c) => {
                ::sqlx::query_scalar::<_, $ty>($sql)$(.bind($arg))*.$method(c).await
            }
            $crate::db::Exec::PgPool(c) => {
                ::sqlx::query_scalar::<_, $ty>($sql)$(.bind($arg))*.$method(c).await
            }
            $crate::db::Exec::PgConn(c) => {
                ::sqlx::query_scalar::<_, $ty>($sql)$(.bind($arg))*.$method(c).await
            }
        }
    };
    (execute, $exec:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        match ::core::convert::Into::<$crate::db::Exec<'_>>::into($exec) {
            $crate::db::Exec::SqlitePool(c) => {
                ::sqlx::query($sql)$(.bind($arg))*.execute(c).await.map(|r| r.rows_affected())
            }
            $crate::db::Exec::SqliteConn(c) => {
                ::sqlx::query($sql)$(.bind($arg))*.execute(c).await.map(|r| r.rows_affected())
            }
            $crate::db::Exec::PgPool(c) => {
                ::sqlx::query($sql)$(.bind($arg))*.execute(c).await.map(|r| r.rows_affected())
            }
            $crate::db::Exec::PgConn(c) => {
                ::sqlx::query($sql)$(.bind($arg))*.execute(c).await.map(|r| r.rows_affected())
            }
        }
    };
}

/// A value for a query whose placeholders are only known at run time.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Uuid(uuid::Uuid),
    Text(String),
    Ts(crate::Ts),
    Int(i64),
    Bool(bool),
    /// A calendar date (`DATE` on PostgreSQL, `yyyy-mm-dd` text on SQLite).
    Date(time::Date),
    /// A date column's value that may be missing.
    MaybeDate(Option<time::Date>),
}

/// Binds `args` in order, as `$1, $2…`.
pub(crate) fn bind_all<'q, DB, O>(
    mut query: sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>,
    args: Vec<Arg>,
) -> sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    uuid::Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    crate::Ts: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    time::Date: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<time::Date>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for arg in args {
        query = match arg {
            Arg::Uuid(v) => query.bind(v),
            Arg::Text(v) => query.bind(v),
            Arg::Ts(v) => query.bind(v),
            Arg::Int(v) => query.bind(v),
            Arg::Bool(v) => query.bind(v),
            Arg::Date(v) => query.bind(v),
            Arg::MaybeDate(v) => query.bind(v),
        };
    }
    query
}

/// Binds `args` in order to a statement, as `$1, $2…`.
pub(crate) fn bind_all_query<'q, DB>(
    mut query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    args: Vec<Arg>,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    uuid::Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    crate::Ts: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    time::Date: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<time::Date>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for arg in args {
        query = match arg {
            Arg::Uuid(v) => query.bind(v),
            Arg::Text(v) => query.bind(v),
            Arg::Ts(v) => query.bind(v),
            Arg::Int(v) => query.bind(v),
            Arg::Bool(v) => query.bind(v),
            Arg::Date(v) => query.bind(v),
            Arg::MaybeDate(v) => query.bind(v),
        };
    }
    query
}
