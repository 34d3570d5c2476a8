package dev.slipway.woodpecker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvsubstTest {
    private static final Map<String, String> V = Map.of("TAG", "v1.2.3", "NAME", "ghcr.io/x/app", "EMPTY", "", "LOWER", "main",
            "MULTI", "a\nb");

    private static String eval(String text) {
        return Envsubst.eval(text, V);
    }

    @Test
    void bracedAndBareNamesAreReplacedAndUnknownOnesAreEmpty() {
        assertThat(eval("${NAME}:${TAG}")).isEqualTo("ghcr.io/x/app:v1.2.3");
        assertThat(eval("echo $NAME-x $UNKNOWN.")).isEqualTo("echo ghcr.io/x/app-x .");
        assertThat(eval("${UNKNOWN}:${EMPTY}")).isEqualTo(":");
    }

    @Test
    void doubleDollarIsALiteralDollar() {
        assertThat(eval("echo $${HOME} $$PATH $$$TAG")).isEqualTo("echo ${HOME} $PATH $v1.2.3");
        assertThat(eval("cost: 5$ and $")).isEqualTo("cost: 5$ and $");
    }

    @Test
    void defaultsCaseAndReplacement() {
        assertThat(eval("${EMPTY:-fallback} ${EMPTY-kept} ${UNSET-set} ${TAG:-no}")).isEqualTo("fallback  set v1.2.3");
        assertThat(eval("${LOWER^^} ${LOWER^} ${NAME,,}")).isEqualTo("MAIN Main ghcr.io/x/app");
        assertThat(eval("${TAG/./-} ${TAG//./-} ${TAG/#v/V} ${TAG/%3/9}")).isEqualTo("v1-2.3 v1-2-3 V1.2.3 v1.2.9");
        assertThat(eval("${TAG#v} ${NAME##*/} ${NAME%/*} ${TAG:1:3} ${#TAG}")).isEqualTo("1.2.3 app ghcr.io/x 1.2 6");
        assertThat(eval("${UNSET:-${TAG}}")).isEqualTo("v1.2.3");
    }

    @Test
    void aValueWithANewlineStaysOneYamlScalar() {
        assertThat(eval("x: ${MULTI}")).isEqualTo("x: \"a\\nb\"");
    }

    @Test
    void anUnknownFormIsAnErrorAtItsPlace() {
        assertThatThrownBy(() -> eval("ok\n${TAG@Q}")).isInstanceOf(Envsubst.BadSubstitution.class)
                .hasMessageContaining("${TAG@Q}").satisfies(e -> assertThat(((Envsubst.BadSubstitution) e).offset).isEqualTo(3));
        assertThatThrownBy(() -> eval("${TAG")).hasMessageContaining("closing");
    }
}
