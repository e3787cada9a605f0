"""The service's 说明 are the report model's explanations: any number per rule and cells (the model joins them), a
rule and cells as long as a workbook's 说明 sheet holds them; a submission keeps its count of explained warnings
(ValidationReport's, for the office's "with warnings explained").

Revision ID: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _explanations() -> sa.Table:
    """The table's new shape: no unique (upload, rule, cells), the rule as text."""
    return sa.Table('explanations', sa.MetaData(),
                    sa.Column('id', sa.Integer(), primary_key=True),
                    sa.Column('upload_id', sa.Integer(), sa.ForeignKey('uploads.id'), nullable=False, index=True),
                    sa.Column('rule', sa.Text(), nullable=False),
                    sa.Column('cells', sa.Text(), nullable=False),
                    sa.Column('text', sa.Text(), nullable=False),
                    sa.Column('written_at', sa.DateTime(), nullable=False))


def upgrade() -> None:
    # the table is copied into its new shape (SQLite cannot drop an unnamed constraint in place)
    with op.batch_alter_table('explanations', copy_from=_explanations(), recreate='always'):
        pass
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('explained_warnings', sa.Integer(), nullable=False, server_default='0'))
    op.execute("UPDATE submissions SET explained_warnings = warnings")  # every warning submitted was explained


def downgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('explained_warnings')
