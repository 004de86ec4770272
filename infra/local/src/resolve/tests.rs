use super::*;
use serde_json::json;

const FIXTURE: &str = include_str!("../../testdata/template.yaml");

struct World {
    template: Template,
    tables: BTreeMap<String, String>,
    secrets: BTreeMap<String, String>,
    secret_arns: BTreeMap<String, String>,
}

impl World {
    fn new() -> Result<World> {
        Ok(World {
            template: Template::parse(FIXTURE)?,
            tables: BTreeMap::from([
                ("AppTable".to_owned(), "t1-AppTable".to_owned()),
                ("AuditTable".to_owned(), "t1-AuditTable".to_owned()),
            ]),
            secrets: BTreeMap::from([("CursorSigningSecret".to_owned(), "s3cr3t".to_owned())]),
            secret_arns: BTreeMap::new(),
        })
    }

    fn names(&self) -> Names<'_> {
        Names {
            template: &self.template,
            region: "us-east-1",
            prefix: "t1",
            tables: &self.tables,
            user_pool_id: "us-east-1_pool",
            user_pool_client_id: "client",
            secrets: &self.secrets,
            secret_arns: &self.secret_arns,
        }
    }
}

#[test]
fn refs_resolve_to_local_names() -> Result<()> {
    let w = World::new()?;
    let n = w.names();
    assert_eq!(n.resolve(&json!({"Ref": "AppTable"}))?, "t1-AppTable");
    assert_eq!(n.resolve(&json!({"Ref": "UserPool"}))?, "us-east-1_pool");
    assert_eq!(n.resolve(&json!({"Ref": "UserPoolClient"}))?, "client");
    assert_eq!(n.resolve(&json!({"Ref": "StageName"}))?, "v1");
    assert_eq!(n.resolve(&json!({"Ref": "AWS::Region"}))?, "us-east-1");
    assert_eq!(n.resolve(&json!({"Ref": "AWS::StackName"}))?, "t1");
    assert!(
        n.resolve(&json!({"Ref": "DataKey"})).is_err(),
        "KMS is not emulated"
    );
    assert!(n.resolve(&json!({"Ref": "Nothing"})).is_err());
    Ok(())
}

#[test]
fn plain_values_stay_as_they_are() -> Result<()> {
    let w = World::new()?;
    let n = w.names();
    assert_eq!(n.resolve(&json!("2557"))?, "2557");
    assert_eq!(n.resolve(&json!(2557))?, "2557");
    assert_eq!(n.resolve(&json!(true))?, "true");
    Ok(())
}

#[test]
fn the_secret_reference_becomes_the_generated_secret() -> Result<()> {
    let w = World::new()?;
    let n = w.names();
    let value =
        json!({"Fn::Sub": "{{resolve:secretsmanager:${CursorSigningSecret}:SecretString}}"});
    assert_eq!(n.resolve(&value)?, "s3cr3t");
    // By name and by logical id, with empty trailing options.
    assert_eq!(
        n.resolve(&json!(
            "{{resolve:secretsmanager:t1-CursorSigningSecret:SecretString::}}"
        ))?,
        "s3cr3t"
    );
    assert_eq!(
        n.resolve(&json!("{{resolve:secretsmanager:CursorSigningSecret}}"))?,
        "s3cr3t"
    );
    assert!(
        n.resolve(&json!("{{resolve:secretsmanager:Other:SecretString}}"))
            .is_err()
    );
    assert!(
        n.resolve(&json!(
            "{{resolve:secretsmanager:CursorSigningSecret:SecretString:key}}"
        ))
        .is_err()
    );
    assert!(n.resolve(&json!("{{resolve:ssm:/param}}")).is_err());
    Ok(())
}

#[test]
fn sub_join_and_get_att() -> Result<()> {
    let w = World::new()?;
    let n = w.names();
    assert_eq!(
        n.resolve(&json!({"Fn::Sub": "${StageName}-${AWS::Region}-${!Literal}"}))?,
        "v1-us-east-1-${Literal}"
    );
    assert_eq!(
        n.resolve(&json!({"Fn::Sub": ["${A}/${AppTable.Arn}", {"A": {"Ref": "AuditTable"}}]}))?,
        "t1-AuditTable/arn:aws:dynamodb:us-east-1:123456789012:table/t1-AppTable"
    );
    assert_eq!(
        n.resolve(&json!({"Fn::GetAtt": ["UserPool", "Arn"]}))?,
        "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_pool"
    );
    assert_eq!(
        n.resolve(&json!({"Fn::Join": ["-", ["a", {"Ref": "AppTable"}]]}))?,
        "a-t1-AppTable"
    );
    assert!(n.resolve(&json!({"Fn::If": ["C", "a", "b"]})).is_err());
    assert!(n.resolve(&json!({"Fn::Sub": "${Unclosed"})).is_err());
    Ok(())
}
