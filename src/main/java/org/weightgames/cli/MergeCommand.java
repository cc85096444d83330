package org.weightgames.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.weightgames.core.WgException;
import org.weightgames.run.AuditJob;
import org.weightgames.run.ShardFolder;
import org.weightgames.run.TrialExecutor;
import org.weightgames.run.TrialRunner;
import org.weightgames.stats.GameSummary;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wg merge}: joins the folders of an audit's {@code --shard i/n} runs into the report of the
 * whole audit, the report an unsharded run writes (report.json the same but for {@code generated}).
 */
@Command(name = "merge", description = "Join the folders of the --shard i/n runs of one audit into its report.")
final class MergeCommand extends WgCommand {
    @Option(names = "--out", required = true, description = "Output folder of the report.")
    Path out;

    @Parameters(paramLabel = "SHARD_DIR", arity = "1..*", description = "The --out folders of the shards' runs.")
    List<Path> shards = new ArrayList<>();

    @Option(names = "--no-timing", description = "Skip the measured inference-cost table.")
    boolean noTiming;

    @Option(names = "--sign-key", description = "Sign the report with this Ed25519 private key (./wg keygen); writes signature.json.")
    Path signKey;

    @Override
    public Integer call() {
        if (Files.exists(out.resolve("report.json"))) {
            throw new WgException(out + " already holds a report; choose another --out");
        }
        if (signKey != null && !Files.isReadable(signKey)) {
            throw new WgException("--sign-key " + signKey + " cannot be read; make a key pair with ./wg keygen");
        }
        ShardFolder.Merged merged = ShardFolder.merge(shards);
        AuditJob.Planned p = merged.job().plan(1);
        if (!p.fingerprint().equals(merged.fingerprint())) {
            throw new WgException("the shards in " + shards.get(0) + " were played by another WeightGames version, data or plugins"
                    + " than this one; merge them with the version that played them");
        }
        ShardFolder.checkComplete(merged, p.plan(), merged.job().config().trials());
        List<GameSummary> results;
        try (TrialExecutor none = new TrialRunner(1)) {
            // every planned trial is in the shards (checked above), so the executor plays nothing
            results = p.audit().run(p.plan(), merged, none);
        }
        System.err.println("[merge] " + merged.records().size() + " trials from " + shards.size() + " shard folders");
        AuditOutput.write(out(), System.err, out, p.audit(), p.plan(), results, p.data(), noTiming, signKey, Instant.now(), () -> { });
        return 0;
    }
}
