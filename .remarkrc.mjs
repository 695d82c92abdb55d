// Validates testimony front matter as you type (VS Code: the unifiedjs.vscode-remark
// extension; terminal: npx remark testimonies). See "Editing in an editor" in README.md.
import remarkFrontmatter from 'remark-frontmatter';
import remarkLintFrontmatterSchema from 'remark-lint-frontmatter-schema';

export default {
  plugins: [
    remarkFrontmatter,
    [remarkLintFrontmatterSchema, {
      schemas: {'./archive/schema/testimony.schema.json': ['./testimonies/**/*.md']},
    }],
  ],
};
