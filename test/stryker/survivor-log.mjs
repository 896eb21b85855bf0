/**
 * A Stryker reporter (stryker.config.json, "plugins" and "reporters"): appends each mutant that
 * survives, or that no test covers, to reports/stryker-survivors.log as soon as it is tested, so
 * the survivors of a long run can be worked on before it ends. The run starts the file afresh.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const LOG = "reports/stryker-survivors.log";

class SurvivorLog {
    static inject = [];

    onDryRunCompleted() {
        fs.writeFileSync(LOG, "");
    }

    onMutantTested(result) {
        if (result.status !== "Survived" && result.status !== "NoCoverage") return;
        const { fileName, location, mutatorName, replacement, status } = result;
        // Mutant results carry 1-based lines and columns (mutation-testing-report-schema).
        const where = `${path.relative(process.cwd(), fileName)}:${location.start.line}:${location.start.column}`;
        const line = `${where} ${mutatorName} ${status}${result.static ? " (at import)" : ""}: ${String(replacement ?? "").replace(/\s+/g, " ")}\n`;
        fs.appendFileSync(LOG, line);
    }
}

// What @stryker-mutator/api's declareClassPlugin(PluginKind.Reporter, ...) returns (api src/plugin/plugins.ts).
export const strykerPlugins = [{ kind: "Reporter", name: "survivor-log", injectableClass: SurvivorLog }];
