import { Flex, Typography } from 'antd';
import type { ReactNode } from 'react';

/** A console page's title with its actions on the right; on a narrow screen the actions wrap below. */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {title}
      </Typography.Title>
      {children && (
        <Flex gap={8} wrap>
          {children}
        </Flex>
      )}
    </Flex>
  );
}
