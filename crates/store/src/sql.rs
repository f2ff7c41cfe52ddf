//! The query dispatch: the same SQL text and bindings, executed on whichever engine backs the
//! executor. Each macro expands to one `match` whose arms differ only in the connection type,
//! so a query can never be written twice.

/// `sql!(as Row, fetch_all, exec, "SELECT … WHERE id = $1", id)` runs a `query_as`;
/// `sql!(scalar T, fetch_one, exec, "…", args…)` a `query_scalar`;
/// `sql!(execute, exec, "…", args…)` runs a statement and yields the number of rows affected.
macro_rules! sql {
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
