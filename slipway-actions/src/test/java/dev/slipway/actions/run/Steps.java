package dev.slipway.actions.run;

import dev.slipway.actions.expr.Expressions;
import dev.slipway.actions.expr.Template;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds steps for tests the way the workflow reader will: every value a parsed template. */
final class Steps {
    private Steps() {}

    static Builder run(String script) {
        return new Builder(script, null);
    }

    static Builder uses(String uses) {
        return new Builder(null, uses);
    }

    static Map<String, Template> templates(String... keyValues) {
        Map<String, Template> out = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            out.put(keyValues[i], Expressions.template(keyValues[i + 1]));
        }
        return out;
    }

    static final class Builder {
        private final String script;
        private final String uses;
        private String id;
        private String name;
        private String condition;
        private final Map<String, Template> env = new LinkedHashMap<>();
        private final Map<String, Template> with = new LinkedHashMap<>();
        private String continueOnError;
        private String timeoutMinutes;
        private String shell;
        private String workingDirectory;

        private Builder(String script, String uses) {
            this.script = script;
            this.uses = uses;
        }

        Builder id(String v) { id = v; return this; }
        Builder name(String v) { name = v; return this; }
        Builder when(String v) { condition = v; return this; }
        Builder env(String k, String v) { env.put(k, Expressions.template(v)); return this; }
        Builder with(String k, String v) { with.put(k, Expressions.template(v)); return this; }
        Builder continueOnError(String v) { continueOnError = v; return this; }
        Builder timeoutMinutes(String v) { timeoutMinutes = v; return this; }
        Builder shell(String v) { shell = v; return this; }
        Builder workingDirectory(String v) { workingDirectory = v; return this; }

        Step build() {
            Step.Options options = new Step.Options(id, name == null ? null : Expressions.template(name),
                    condition == null ? null : Expressions.condition(condition), env,
                    continueOnError == null ? null : Expressions.template(continueOnError),
                    timeoutMinutes == null ? null : Expressions.template(timeoutMinutes));
            if (script != null) {
                return new Step.Run(options, Expressions.template(script), shell,
                        workingDirectory == null ? null : Expressions.template(workingDirectory));
            }
            return new Step.Uses(options, uses, with);
        }
    }
}
