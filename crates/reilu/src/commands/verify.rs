//! `reilu verify CODE`: check a message's verification code as `/verify` does;
//! `reilu message-key show|rotate`: the key that signs message commitments.

use std::process::ExitCode;

use clap::Subcommand;
use reilu_app::verify::Verification;

use crate::commands::print_json;
use crate::context::{Target, ensure_data_folder, open_app};

/// Checks a code; exit 1 when no message of ours has it.
pub async fn verify(target: &Target, code: &str, json: bool) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    let answer = app.verify_code(code).await?;
    if json {
        print_json(&answer)?;
    } else {
        match &answer {
            Verification::Genuine {
                sent_at,
                channel,
                reference_end,
                amount,
            } => println!(
                "genuine: sent by {channel} at {sent_at}, reference ending {reference_end}, \
                 amount {amount}"
            ),
            Verification::Unknown => println!("unknown: no message of ours has this code"),
        }
    }
    Ok(match answer {
        Verification::Genuine { .. } => ExitCode::SUCCESS,
        Verification::Unknown => ExitCode::FAILURE,
    })
}

#[derive(Subcommand)]
pub enum MessageKeyCommand {
    /// The current signing key's id and public key (created on first use).
    Show,
    /// Make a new signing key and sign with it from now on; codes signed with older keys stay
    /// verifiable (their public keys are kept in the store).
    Rotate,
}

pub fn message_key(target: &Target, command: MessageKeyCommand) -> anyhow::Result<ExitCode> {
    ensure_data_folder(&target.data)?;
    let key = match command {
        MessageKeyCommand::Show => reilu_vault::load_or_create_message_key(&target.data)?,
        MessageKeyCommand::Rotate => reilu_vault::rotate_message_key(&target.data)?,
    };
    println!("key {} public {}", key.key_id(), key.public_key_hex());
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum LogCommand {
    /// Print the log's current checkpoint, signed (a C2SP signed note).
    Checkpoint {
        /// Print the verifier key (`name+id+key`) instead.
        #[arg(long)]
        verifier_key: bool,
    },
    /// Walk the whole log: every leaf against its stored commitment and the tree's root;
    /// exit 1 naming each message that no longer matches.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// The inclusion proof of a leaf (hex hashes, one a line).
    Prove {
        #[arg(long)]
        index: u64,
        #[arg(long)]
        size: u64,
    },
    /// The consistency proof between two sizes (hex hashes, one a line).
    Consistency {
        #[arg(long)]
        from: u64,
        #[arg(long)]
        to: u64,
    },
}

pub async fn log(target: &Target, command: LogCommand) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    match command {
        LogCommand::Checkpoint { verifier_key: true } => println!("{}", app.log_verifier_key()?),
        LogCommand::Checkpoint {
            verifier_key: false,
        } => print!("{}", app.log_checkpoint().await?),
        LogCommand::Verify { json } => {
            let check = app.verify_log().await?;
            if json {
                print_json(&check)?;
            } else if check.problems.is_empty() {
                println!("ok: the log's {} leaves match their messages", check.size);
            } else {
                for problem in &check.problems {
                    println!("{problem}");
                }
            }
            if !check.problems.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
        LogCommand::Prove { index, size } => {
            for hash in app.log_inclusion_proof(index, size).await? {
                println!("{}", hex::encode(hash));
            }
        }
        LogCommand::Consistency { from, to } => {
            for hash in app.log_consistency_proof(from, to).await? {
                println!("{}", hex::encode(hash));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
