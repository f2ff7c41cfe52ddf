//! The data inventory (`domain::inventory`) against the live schema of each engine: every
//! column of every table is tagged with a category, and nothing is tagged that does not exist.
//! A migration that adds a column without tagging it fails here.

use testkit::engine_tests;

engine_tests! {
    async fn every_column_of_the_schema_is_tagged_and_every_tag_exists(db) {
        let db = db.migrated().await;
        let shape = store::dialect::schema_shape(&db).await.unwrap();
        let columns: Vec<(&str, &str)> = shape
            .tables
            .iter()
            .flat_map(|(t, cols)| cols.iter().map(move |(c, _)| (t.as_str(), c.as_str())))
            .collect();
        assert!(columns.len() > 500, "the schema was read: {} columns", columns.len());
        let (untagged, unknown) = domain::inventory::compare(columns.iter().copied());
        assert!(
            untagged.is_empty(),
            "columns without a category in domain::inventory (tag them): {untagged:?}"
        );
        assert!(unknown.is_empty(), "tagged in domain::inventory but not in the schema: {unknown:?}");
        // Both engines describe the same tables.
        let listed = domain::inventory::tables().count();
        assert_eq!(shape.tables.len(), listed);
    }
}
